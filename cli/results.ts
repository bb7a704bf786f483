import { isAbsolute, join, relative } from "node:path";
import { z } from "zod";
import { readStackFile } from "../stack/config/stackFile";
import { readStackConfig } from "../stack/config/stackConfig";
import type { StackConfig } from "../stack/config/schema";
import { loadResultsReaderScript } from "../stack/clusterScriptFiles";
import { openKubernetesApi, ApiStatusError } from "../lib/kubernetesApi";
import { quantityValue } from "../lib/quantity";
import { UserError } from "../lib/userError";
import { textTable } from "../lib/table";
import { PROJECT_ROOT } from "../lib/projectRoot";
import { apiProblem } from "../cluster/preflight/checks";
import { withResultsReader, type ReaderLimits, type ResultsReader } from "../cluster/results/readerPod";
import { formatBytes, pullRun } from "../cluster/results/pull";
import { outcomeText, pvcRunsAnswer, runDate, runOutcome } from "../cluster/results/pvcRuns";
import { localRuns } from "../cluster/results/localRuns";
import { kubeContextOf } from "./kubeContext";
import { stackFilePath } from "./stackFiles";
import { terminalText } from "../lib/terminalText";
import type { CommandIo } from "./io";

/** Seconds written in decimal, as a person types them: not hex (`0x10`), `Infinity` or blank. */
const seconds = (flag: string, max: number) =>
  z
    .string({ error: `${flag}: give a number of seconds` })
    .regex(/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, { error: `${flag}: give a number of seconds` })
    .transform(Number)
    .pipe(
      z
        .number({ error: `${flag}: at most ${max} seconds` })
        .positive({ error: `${flag}: give a number of seconds above 0` })
        .max(max, { error: `${flag}: at most ${max} seconds` }),
    );

const size = (flag: string) =>
  z.string().transform((text, context) => {
    const bytes = quantityValue(text);
    if (bytes === undefined || bytes <= 0 || !Number.isSafeInteger(Math.floor(bytes))) {
      context.issues.push({ code: "custom", input: text, message: `${flag}: give a size such as 512Mi or 20Gi` });
      return z.NEVER;
    }
    return Math.floor(bytes);
  });

const commonOptions = {
  stack: z.string().optional(),
  configFile: z.string().optional(),
  context: z.string().min(1, { error: "--context: give a kubeconfig context's name" }).optional(),
  resultsDir: z.string().min(1, { error: "--results-dir: give a directory" }).optional(),
  requestTimeout: seconds("--request-timeout", 600).default(30),
  startTimeout: seconds("--start-timeout", 3600).default(180),
};

const listOptions = z.object({ ...commonOptions, json: z.boolean().optional() });
const pullOptions = z.object({
  ...commonOptions,
  run: z.string().min(1, { error: "--run: give a run id" }).optional(),
  incomplete: z.boolean().optional(),
  deadline: seconds("--deadline", 24 * 3600).default(1800),
  maxFileSize: size("--max-file-size").default(8 * 2 ** 30),
  maxTotalSize: size("--max-total-size").default(32 * 2 ** 30),
});
export type ResultsListOptions = z.input<typeof listOptions>;
export type ResultsPullOptions = z.input<typeof pullOptions>;

/** Ends the command: the deadline, or Ctrl-C. */
class Stopped extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Target {
  stack: string;
  config: StackConfig;
  resultsRoot: string;
  context: string | undefined;
}

function targetOf(options: z.infer<typeof listOptions> | z.infer<typeof pullOptions>): Target {
  const path = stackFilePath(options);
  const file = readStackFile(path);
  const config = readStackConfig({ description: path, stack: file.stack, entries: file.entries });
  return {
    stack: file.stack,
    config,
    resultsRoot: options.resultsDir ?? join(PROJECT_ROOT, "results"),
    context: kubeContextOf(file.stack, config.kubeContext, options.context),
  };
}

/** A failure of the cluster or the reader, as one line. */
function clusterProblem(error: unknown, namespace: string): string {
  if (error instanceof ApiStatusError && error.status === 403) {
    const needs = "the reader pod needs create, get, list and delete on pods, and get on pods/proxy";
    return `${apiProblem(error)}; ${needs}, in namespace ${namespace}`;
  }
  return apiProblem(error);
}

/**
 * Runs `work` with a reader pod, within the deadline and until Ctrl-C; every failure is one line.
 * The reader is a pod reached through the API server's proxy, since that needs only the user's
 * kubeconfig: no kubectl, no port-forward, no Service or Ingress left behind.
 */
async function withReader<T>(
  target: Target,
  limits: ReaderLimits & { deadlineMs: number },
  io: CommandIo,
  work: (reader: ResultsReader, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const deadline = setTimeout(
    () => controller.abort(new Stopped(`took longer than --deadline ${limits.deadlineMs / 1000} s; pull again to resume`, 1)),
    limits.deadlineMs,
  );
  // The reader pod is deleted before the command ends, then it exits as a shell expects of the signal.
  const interrupt = (signal: NodeJS.Signals) =>
    controller.abort(new Stopped("interrupted; what was copied is kept: pull again to resume", signal === "SIGTERM" ? 143 : 130));
  process.once("SIGINT", interrupt).once("SIGTERM", interrupt);
  const note = (line: string) => io.err(`${terminalText(line)}\n`);
  try {
    const api = await openKubernetesApi(target.context, { requestTimeoutMs: limits.requestTimeoutMs, totalTimeoutMs: limits.deadlineMs });
    return await withResultsReader(
      { api, config: target.config, stack: target.stack, script: loadResultsReaderScript(), limits, signal: controller.signal, note },
      (reader) => work(reader, controller.signal),
    );
  } catch (error) {
    const reason: unknown = controller.signal.reason;
    if (reason instanceof Stopped) throw new UserError(reason.message, reason.exitCode);
    if (error instanceof UserError) throw error;
    throw new UserError(clusterProblem(error, target.config.namespace));
  } finally {
    clearTimeout(deadline);
    process.off("SIGINT", interrupt).off("SIGTERM", interrupt);
  }
}

function readerLimits(
  options: { requestTimeout: number; startTimeout: number },
  deadlineMs: number,
): ReaderLimits & { deadlineMs: number } {
  return {
    requestTimeoutMs: options.requestTimeout * 1000,
    startTimeoutMs: options.startTimeout * 1000,
    // The pod outlives the command's own deadline by a minute at most, should the command be killed.
    podDeadlineSeconds: Math.ceil(deadlineMs / 1000) + 60,
    deadlineMs,
  };
}

/** A path as the user would type it: relative when it is under the current directory. */
function shownPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === "" || fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
}

function parsed<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new UserError(result.error.issues[0].message);
  return result.data;
}

/** `results pull`: copies a run's artifacts and summary from the perf-cache volume into results/<stack>/<run-id>/. */
export async function resultsPullCommand(raw: ResultsPullOptions, io: CommandIo): Promise<number> {
  const options = parsed(pullOptions, raw);
  const target = targetOf(options);
  const limits = readerLimits(options, options.deadline * 1000);
  const result = await withReader(target, limits, io, (reader, signal) =>
    pullRun(reader, {
      resultsRoot: target.resultsRoot,
      stack: target.stack,
      config: target.config,
      runId: options.run,
      incomplete: options.incomplete ?? false,
      limits: { maxFileBytes: options.maxFileSize, maxTotalBytes: options.maxTotalSize, idleTimeoutMs: limits.requestTimeoutMs },
      signal,
      note: (line) => io.err(`${terminalText(line)}\n`),
    }),
  );
  const shown = shownPath(result.dir);
  const summary =
    result.summary === "none"
      ? "no summary could be made, so it is not saved as a run"
      : `its summary ${result.summary === "volume" ? "from the volume" : result.summary}`;
  io.err(
    `Copied ${result.copied} file${result.copied === 1 ? "" : "s"} (${formatBytes(result.bytesCopied)}), ` +
      `${result.alreadyThere} already there; ${summary}.\n`,
  );
  io.out(`${terminalText(shown)}\n`);
  return result.summary === "none" ? 1 : 0;
}

/** `results list`: the stack's runs on the perf-cache volume and under results/, with their state. */
export async function resultsListCommand(raw: ResultsListOptions, io: CommandIo): Promise<number> {
  const options = parsed(listOptions, raw);
  const target = targetOf(options);
  const limits = readerLimits(options, (options.startTimeout + 4 * options.requestTimeout) * 1000);
  const { runs } = await withReader(target, limits, io, (reader) => reader.json("runs", pvcRunsAnswer, "the reader pod's list of runs"));
  const local = new Map(localRuns(target.resultsRoot, target.stack).map((run) => [run.runId, run]));
  const rows = [
    ...runs.map((run) => ({
      runId: run.runId,
      dateMs: run.modifiedAt * 1000,
      volume: outcomeText(runOutcome(run)),
      here: local.get(run.runId)?.state ?? "not pulled",
    })),
    ...[...local.values()]
      .filter((run) => !runs.some((onVolume) => onVolume.runId === run.runId))
      .map((run) => ({
        runId: run.runId,
        dateMs: run.savedAtMs,
        volume: "not on the volume",
        here: `local only: ${run.state}${run.failed ? ", did not succeed" : ""}`,
      })),
  ].sort((a, b) => (b.dateMs ?? 0) - (a.dateMs ?? 0) || a.runId.localeCompare(b.runId));
  if (options.json) {
    const json = rows.map((row) => ({ ...row, date: row.dateMs === undefined ? null : new Date(row.dateMs).toISOString() }));
    io.out(`${JSON.stringify({ stack: target.stack, runs: json }, null, 2)}\n`);
    return 0;
  }
  const resultsShown = shownPath(join(target.resultsRoot, target.stack));
  io.out(
    `${textTable({
      header: ["run", "on the perf-cache volume", "written", `here (${resultsShown})`],
      align: ["left", "left", "left", "left"],
      rows: rows.map((row) => [row.runId, row.volume, row.dateMs === undefined ? "—" : runDate(row.dateMs), terminalText(row.here)]),
    })}\n`,
  );
  return 0;
}
