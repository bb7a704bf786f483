import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { readRegularFile } from "../../lib/regularFile";
import { join, resolve } from "node:path";
import { z } from "zod";
import { firstIssue } from "../../lib/zodMessages";
import { VARIANTS, type Variant } from "../../domain/variants";

export const RUN_FILE = "run.json";

/** A stack name or run id as a directory name: never ".", "..", hidden, or holding a separator. */
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

const runRecord = z.object({
  stack: z.string().regex(SAFE_SEGMENT),
  variant: z.enum(VARIANTS),
  runId: z.string().regex(SAFE_SEGMENT),
  jobName: z.string(),
  /** Why the run did not succeed, when it did not: its summary is what aiperf recorded until then. */
  failure: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecord>;

export interface SavedRun extends RunRecord {
  dir: string;
  savedAt: number;
}

/** `results/<stack>/<name>`: each part is checked, so that none can lead outside `resultsRoot`. */
function placeUnder(resultsRoot: string, ...segments: string[]): string {
  for (const segment of segments) {
    if (!SAFE_SEGMENT.test(segment)) throw new Error(`${JSON.stringify(segment)} cannot name a directory under ${resultsRoot}`);
  }
  return join(resolve(resultsRoot), ...segments);
}

/**
 * Creates a directory for one run that did not exist before: `<name>`, or `<name>-2`, `<name>-3`…
 * when an earlier run already holds that name. Nothing already saved is ever written over.
 */
function newDirectory(resultsRoot: string, stack: string, name: string): string {
  mkdirSync(placeUnder(resultsRoot, stack), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const dir = placeUnder(resultsRoot, stack, attempt === 1 ? name : `${name}-${attempt}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/**
 * Saves a run's files in a new directory, results/<stack>/<run-id>/, with run.json, written last,
 * saying what the run was: a directory without it is never read as a run.
 */
export function saveRun(resultsRoot: string, run: RunRecord, files: Record<string, string>): string {
  const dir = newDirectory(resultsRoot, run.stack, run.runId);
  addToRun(dir, files);
  writeFileSync(join(dir, RUN_FILE), `${JSON.stringify(run, null, 2)}\n`);
  return dir;
}

/** Keeps what could not be saved as a run apart, in results/<stack>/<run-id>.rejected/, with no run.json. */
export function saveRejected(resultsRoot: string, run: RunRecord, files: Record<string, string>): string {
  const dir = newDirectory(resultsRoot, run.stack, `${run.runId}.rejected`);
  addToRun(dir, files);
  return dir;
}

/** Writes files into a run directory this process created. */
export function addToRun(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: "wx" });
}

function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith("."));
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A saved run from its run.json, or why it was skipped; undefined when the directory holds no run.json. */
export function savedRun(dir: string): SavedRun | { skipped: string } | undefined {
  const path = join(dir, RUN_FILE);
  let text: string;
  let savedAt: number;
  try {
    savedAt = statSync(path).mtimeMs;
    text = readRegularFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? undefined : { skipped: `${path}: cannot read it (${(error as Error).message})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { skipped: `${path}: not JSON (${(error as Error).message})` };
  }
  const record = runRecord.safeParse(parsed);
  if (!record.success) return { skipped: `${path}: not a run record (${firstIssue(record.error)})` };
  return { ...record.data, dir, savedAt };
}

/**
 * The newest saved run of every stack but one that succeeded: the runs a new run can be compared with.
 * Run directories whose run.json cannot be read are skipped and named in `skipped`.
 */
export function latestRunsOfOtherStacks(resultsRoot: string, stack: string): { runs: SavedRun[]; skipped: string[] } {
  const runs: SavedRun[] = [];
  const skipped: string[] = [];
  for (const other of listDirectory(resultsRoot)) {
    if (other === stack || !isDirectory(join(resultsRoot, other))) continue;
    const found: SavedRun[] = [];
    for (const name of listDirectory(join(resultsRoot, other))) {
      const run = savedRun(join(resultsRoot, other, name));
      if (run === undefined) continue;
      if ("skipped" in run) skipped.push(run.skipped);
      else if (run.failure === undefined) found.push(run);
    }
    found.sort((a, b) => b.savedAt - a.savedAt);
    if (found[0]) runs.push(found[0]);
  }
  return { runs, skipped };
}

/** The aggregated variant is the baseline the recipe compares against; otherwise, the earlier run. */
export function baselineFirst<Run extends { variant: Variant }>(earlier: Run, later: Run): [Run, Run] {
  return later.variant === "agg" && earlier.variant !== "agg" ? [later, earlier] : [earlier, later];
}
