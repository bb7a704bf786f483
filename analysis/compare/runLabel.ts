import { basename, dirname, join, resolve } from "node:path";
import { readRunFile, RUN_FILE } from "../runs/runFile";
import { isDirectoryOfRun } from "../runs/runDirectory";
import { printable } from "./printable";

/** How a run is named in a comparison. */
export interface RunLabel {
  /** `agg · 20251107-1432` from run.json, or the directory's name. */
  label: string;
  /** From run.json, when it names the run. */
  stack: string | null;
  runId: string | null;
  /** Why run.json was there but not used. */
  note?: string;
}

/** A directory name as a label, short enough for a table or a legend. */
function directoryLabel(dir: string): string {
  return printable(basename(resolve(dir)) || dir);
}

/** The run's stack and run id from its run.json when that is a run record; its directory's name otherwise. */
export function runLabel(dir: string): RunLabel {
  const fallback = (note?: string): RunLabel => ({ label: directoryLabel(dir), stack: null, runId: null, ...(note ? { note } : {}) });
  const run = readRunFile(dir);
  if (run === undefined) return fallback();
  if ("problem" in run) return fallback(`${run.problem}; the run is labelled by its directory`);
  // results/<stack>/<run-id>: a run.json of this run id in another stack's folder was copied there from that stack.
  const folder = basename(dirname(resolve(dir)));
  if (isDirectoryOfRun(basename(resolve(dir)), run.runId) && folder !== run.stack) {
    return fallback(
      `${printable(join(dir, RUN_FILE), 200)} names stack ${run.stack}, but the run is in ${printable(folder)}/; ` +
        "the run is labelled by its directory",
    );
  }
  return { label: `${run.stack} · ${run.runId}`, stack: run.stack, runId: run.runId };
}
