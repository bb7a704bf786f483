import { z } from "zod";
import { RUN_NAME, RUN_NAME_RULE } from "../../analysis/runs/runName";
import { utcMinute } from "../../lib/utcMinute";

/** Where a download is kept until its sha256 is checked; a listed file with this ending is refused, so none can collide. */
export const PARTIAL_SUFFIX = ".dynamo-bench-partial";

const runId = z.string().regex(RUN_NAME, { error: `a run id is ${RUN_NAME_RULE}` });

/** One run directory on the perf-cache volume, as the reader pod lists it (stack/builders/scripts/results-reader.py). */
const pvcRun = z.object({
  runId,
  /** The directory's modification time, in seconds since 1970: the Job writes the exit code last. */
  modifiedAt: z.number().nonnegative(),
  /** The text of aiperf-exit-code, which benchmark.py writes when the run ends; null while it runs. */
  exitCode: z.string().max(64).nullable(),
  hasSummary: z.boolean(),
});
export type PvcRun = z.infer<typeof pvcRun>;

export const pvcRunsAnswer = z.object({ runs: z.array(pvcRun) });

/** Why a listed path could be written outside the run's directory, or over the pull's own files; undefined when it is safe. */
export function unsafePathProblem(path: string): string | undefined {
  if (path.startsWith("/")) return "is an absolute path";
  if (path.includes("\\")) return "holds a backslash";
  if (/[\u0000-\u001f\u007f]/.test(path)) return "holds a control character";
  if (path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return "climbs out or is empty";
  if (path.split("/").some((segment) => segment.length > 255)) return "has a name over 255 characters";
  if (path.endsWith(PARTIAL_SUFFIX)) return `ends in ${PARTIAL_SUFFIX}, the pull's own temporary name`;
  return undefined;
}

const safePath = z
  .string()
  .max(4096)
  .check((context) => {
    const problem = unsafePathProblem(context.value);
    if (problem) context.issues.push({ code: "custom", input: context.value, message: `${JSON.stringify(context.value)} ${problem}` });
  });

const listedFile = z.object({
  type: z.literal("file"),
  path: safePath,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "is not a sha256 in hex" }),
});
export type ListedFile = z.infer<typeof listedFile>;

/** A link or a device: listed so that the user is told, never fetched. */
const listedOther = z.object({ type: z.enum(["symlink", "other"]), path: z.string().max(4096) });

export const runListingAnswer = z
  .object({ runId, files: z.array(z.discriminatedUnion("type", [listedFile, listedOther])) })
  .check((context) => {
    const paths = context.value.files.map((file) => file.path);
    const repeated = paths.find((path, index) => paths.indexOf(path) !== index);
    if (repeated !== undefined)
      context.issues.push({ code: "custom", input: repeated, message: `${JSON.stringify(repeated)} is listed twice` });
  });
export type RunListing = z.infer<typeof runListingAnswer>;

/** Exit codes benchmark.py records for its own failures, beside aiperf's. */
const EXIT_CODE_MEANINGS: Record<number, string> = {
  2: "a setting was missing",
  3: "the model was never listed by the frontend",
  4: "the trace could not be fetched or verified",
  5: "the artifact directory already held a run",
  6: "aiperf could not be installed",
  124: "stopped at the run's time limit",
};

export type RunOutcome =
  { state: "succeeded" } | { state: "failed"; exitCode: number } | { state: "incomplete" } | { state: "unreadable"; text: string };

export function runOutcome(run: Pick<PvcRun, "exitCode">): RunOutcome {
  if (run.exitCode === null) return { state: "incomplete" };
  if (!/^[0-9]{1,3}$/.test(run.exitCode)) return { state: "unreadable", text: run.exitCode };
  const exitCode = Number(run.exitCode);
  return exitCode === 0 ? { state: "succeeded" } : { state: "failed", exitCode };
}

export function outcomeText(outcome: RunOutcome): string {
  switch (outcome.state) {
    case "succeeded":
      return "succeeded";
    case "failed": {
      const meaning = EXIT_CODE_MEANINGS[outcome.exitCode];
      return `failed with aiperf exit code ${outcome.exitCode}${meaning ? ` (${meaning})` : ""}`;
    }
    case "incomplete":
      return "running or incomplete (no exit code yet)";
    case "unreadable":
      return `exit code record unreadable (${JSON.stringify(outcome.text)})`;
  }
}

/** The run's date, in UTC to the minute. */
export const runDate = utcMinute;

/** The newest run, by when its directory was last written. */
export function newestRun(runs: readonly PvcRun[]): PvcRun | undefined {
  return [...runs].sort((a, b) => b.modifiedAt - a.modifiedAt || a.runId.localeCompare(b.runId))[0];
}
