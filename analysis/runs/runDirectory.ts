import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { writeFileNoFollow } from "../../lib/writeFileNoFollow";
import { join, resolve } from "node:path";
import { makeDirectories } from "../../lib/makeDirectories";
import type { Variant } from "../../domain/variants";
import { readRunFile, RUN_FILE, runFileText, type RunFile, type RunRecord } from "./runFile";
import { isRunName } from "./runName";

export { RUN_FILE, type RunRecord };

/** A run saved under results/: its run.json, its directory, and when it was saved. */
export interface SavedRun extends RunFile {
  dir: string;
  /** From run.json; from its modification time for a run.json from before runs recorded it. */
  savedAtMs: number;
}

/** `results/<stack>/<name>`: each part is checked, so that none can lead outside `resultsRoot`. */
function placeUnder(resultsRoot: string, ...segments: string[]): string {
  for (const segment of segments) {
    if (!isRunName(segment)) throw new Error(`${JSON.stringify(segment)} cannot name a directory under ${resultsRoot}`);
  }
  return join(resolve(resultsRoot), ...segments);
}

/**
 * Creates a directory for one run that did not exist before: `<name>`, or `<name>-2`, `<name>-3`…
 * when an earlier run already holds that name. Nothing already saved is ever written over.
 */
function newDirectory(resultsRoot: string, stack: string, name: string): string {
  makeDirectories(placeUnder(resultsRoot, stack));
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
export function saveRun(resultsRoot: string, run: RunRecord, files: Record<string, string>, savedAt = new Date()): string {
  const dir = newDirectory(resultsRoot, run.stack, run.runId);
  addToRun(dir, files);
  writeFileSync(join(dir, RUN_FILE), runFileText(run, savedAt), { flag: "wx" });
  return dir;
}

/** Keeps what could not be saved as a run apart, in results/<stack>/<run-id>.rejected/, with no run.json. */
export function saveRejected(resultsRoot: string, run: RunRecord, files: Record<string, string>): string {
  const dir = newDirectory(resultsRoot, run.stack, `${run.runId}.rejected`);
  addToRun(dir, files);
  return dir;
}

/** Writes new files into a run's directory; a file already there is never written over. */
export function addToRun(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: "wx" });
}

/**
 * Writes a file derived from saved ones, such as a comparison, anew: it can always be made again. It is
 * renamed into place, so a reader never sees half a file, and a link there is replaced, not written through.
 */
export function replaceInRun(dir: string, name: string, text: string): void {
  writeFileNoFollow(join(dir, name), text);
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
  const run = readRunFile(dir);
  if (run === undefined) return undefined;
  if ("problem" in run) return { skipped: run.problem };
  let savedAtMs = run.savedAt === undefined ? NaN : Date.parse(run.savedAt);
  if (Number.isNaN(savedAtMs)) {
    try {
      savedAtMs = statSync(join(dir, RUN_FILE)).mtimeMs;
    } catch (error) {
      return { skipped: `${join(dir, RUN_FILE)} cannot be read (${(error as Error).message})` };
    }
  }
  return { ...run, dir, savedAtMs };
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
      // A run.json copied under another stack's folder would be compared with its own stack.
      else if (run.stack !== other) skipped.push(`${join(resultsRoot, other, name, RUN_FILE)}: names stack ${run.stack}, not ${other}`);
      else if (run.failure === undefined) found.push(run);
    }
    found.sort((a, b) => b.savedAtMs - a.savedAtMs);
    if (found[0]) runs.push(found[0]);
  }
  return { runs, skipped };
}

/** The aggregated variant is the baseline the recipe compares against; otherwise, the earlier run. */
export function baselineFirst<Run extends { variant: Variant }>(earlier: Run, later: Run): [Run, Run] {
  return later.variant === "agg" && earlier.variant !== "agg" ? [later, earlier] : [earlier, later];
}
