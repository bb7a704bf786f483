import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { readRegularFile } from "../../lib/regularFile";
import { firstIssue } from "../../lib/zodMessages";
import { describeFileError } from "../../lib/fileErrors";
import { RUN_FILE } from "../runs/localResults";
import { printable } from "./printable";
import { VARIANTS } from "../../domain/variants";

/** The post-run hook writes a few hundred bytes; anything far larger is not its run.json. */
const MAX_RUN_FILE_BYTES = 64 * 1024;

/** The same rule the hook names directories by, so a label is short, printable and safe in HTML. */
const SEGMENT = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/, { error: "is not a short name of letters, digits, '.', '_' or '-'" });

/** The fields of run.json (analysis/runs/localResults.ts) that name a run; the rest is not needed here. */
const runFile = z.object({
  stack: SEGMENT,
  runId: SEGMENT,
  variant: z.enum(VARIANTS).optional(),
});

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
  const path = join(dir, RUN_FILE);
  const fallback = (note?: string): RunLabel => ({ label: directoryLabel(dir), stack: null, runId: null, ...(note ? { note } : {}) });
  let stats;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    return fallback(`${path} cannot be read (${describeFileError(error)}); the run is labelled by its directory`);
  }
  if (!stats) return fallback();
  if (stats.isFile() && stats.size > MAX_RUN_FILE_BYTES)
    return fallback(`${path} is ${stats.size} bytes, too large for a run record; the run is labelled by its directory`);
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (error) {
    return fallback(`${path} cannot be read (${(error as Error).message}); the run is labelled by its directory`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it choked on, which could put anything on the user's terminal.
    return fallback(`${path} is not JSON; the run is labelled by its directory`);
  }
  const record = runFile.safeParse(parsed);
  if (!record.success) return fallback(`${path} is not a run record (${firstIssue(record.error)}); the run is labelled by its directory`);
  return { label: `${record.data.stack} · ${record.data.runId}`, stack: record.data.stack, runId: record.data.runId };
}
