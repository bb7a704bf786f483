import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Variant } from "../config/schema";

export const RUN_FILE = "run.json";

const runRecord = z.object({ stack: z.string(), variant: z.enum(["agg", "disagg"]), runId: z.string(), jobName: z.string() });
export type RunRecord = z.infer<typeof runRecord>;

export interface SavedRun extends RunRecord {
  dir: string;
  savedAt: number;
}

/** Saves a run's files under results/<stack>/<run-id>/, with run.json saying what the run was. */
export function saveRun(resultsRoot: string, run: RunRecord, files: Record<string, string>): string {
  const dir = join(resultsRoot, run.stack, run.runId);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, RUN_FILE), `${JSON.stringify(run, null, 2)}\n`);
  return dir;
}

/** The newest saved run of every stack but one: the runs a new run can be compared with. */
export function latestRunsOfOtherStacks(resultsRoot: string, stack: string): SavedRun[] {
  if (!existsSync(resultsRoot)) return [];
  const latest: SavedRun[] = [];
  for (const other of readdirSync(resultsRoot)) {
    if (other === stack || !statSync(join(resultsRoot, other)).isDirectory()) continue;
    const runs = readdirSync(join(resultsRoot, other)).flatMap((runId): SavedRun[] => {
      const path = join(resultsRoot, other, runId, RUN_FILE);
      if (!existsSync(path)) return [];
      const record = runRecord.safeParse(JSON.parse(readFileSync(path, "utf8")));
      return record.success ? [{ ...record.data, dir: join(resultsRoot, other, runId), savedAt: statSync(path).mtimeMs }] : [];
    });
    runs.sort((a, b) => b.savedAt - a.savedAt);
    if (runs[0]) latest.push(runs[0]);
  }
  return latest;
}

/** The aggregated variant is the baseline the recipe compares against; otherwise, the earlier run. */
export function baselineFirst<Run extends { variant: Variant }>(earlier: Run, later: Run): [Run, Run] {
  return later.variant === "agg" && earlier.variant !== "agg" ? [later, earlier] : [earlier, later];
}
