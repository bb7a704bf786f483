import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { savedRun } from "../../analysis/runs/runDirectory";
import { isRunName } from "../../analysis/runs/runName";
import { ARTIFACTS_DIR, PULL_MARKER } from "./pull";

export interface LocalRun {
  runId: string;
  dir: string;
  /** "pulled", "summary only", "pull not finished", or why run.json cannot be read. */
  state: string;
  /** When it was saved; undefined for a pull not finished. */
  savedAtMs?: number;
  failed: boolean;
}

const isDirectory = (path: string) => {
  try {
    const stats = lstatSync(path);
    return stats.isDirectory() && !stats.isSymbolicLink();
  } catch {
    return false;
  }
};

/** The runs of one stack under results/<stack>/: saved by `pulumi up`, pulled, or a pull not finished. */
export function localRuns(resultsRoot: string, stack: string): LocalRun[] {
  const stackDir = join(resultsRoot, stack);
  let names: string[];
  try {
    names = readdirSync(stackDir);
  } catch {
    return [];
  }
  const runs: LocalRun[] = [];
  for (const runId of names.filter((name) => isRunName(name) && !name.endsWith(".rejected")).sort()) {
    const dir = join(stackDir, runId);
    if (!isDirectory(dir)) continue;
    const pulling = isDirectory(dir) && lstatExists(join(dir, PULL_MARKER));
    const saved = savedRun(dir);
    if (pulling) runs.push({ runId, dir, state: "pull not finished (pull again to resume)", failed: false });
    else if (saved === undefined) continue;
    else if ("skipped" in saved) runs.push({ runId, dir, state: `unreadable: ${saved.skipped}`, failed: false });
    else {
      const state = isDirectory(join(dir, ARTIFACTS_DIR)) ? "pulled" : "summary only (saved by pulumi up)";
      runs.push({ runId, dir, state, savedAtMs: saved.savedAtMs, failed: saved.failure !== undefined });
    }
  }
  return runs;
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
