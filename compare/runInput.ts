import { existsSync, statSync } from "node:fs";
import { isRegularFile, readRegularFile } from "../regularFile";
import { join } from "node:path";
import { AGGREGATE_FILE, RECORDS_FILE } from "../summary/aiperfFiles";
import { summarizeRun, SummaryError, type RunSummary } from "../summary/runSummary";
import { parseSummaryJson } from "../summary/summarySchema";
import { SUMMARY_JSON } from "../summary/summaryFiles";
import type { Slos } from "../summary/goodput";
import { runLabel, type RunLabel } from "./runLabel";

export interface RunInput extends RunLabel {
  dir: string;
  /** Where the summary came from: aiperf's artifacts, summarized now, or a summary.json. */
  source: "artifacts" | "summary.json";
  summary: RunSummary;
}

/**
 * One side of a comparison: an aiperf artifact directory, summarized now with the given SLOs, or
 * a results directory that holds a summary.json the post-run hook or `summarize --write` wrote.
 */
export async function loadRun(dir: string, slos: Slos): Promise<RunInput> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SummaryError(`${dir}: no such directory`);
  if (isRegularFile(join(dir, RECORDS_FILE)) || isRegularFile(join(dir, AGGREGATE_FILE))) {
    return { dir, ...runLabel(dir), source: "artifacts", summary: (await summarizeRun(dir, slos)).summary };
  }
  const path = join(dir, SUMMARY_JSON);
  if (!existsSync(path)) {
    throw new SummaryError(`${dir}: holds neither aiperf's artifacts nor a ${SUMMARY_JSON}; give an artifact or results directory`);
  }
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (error) {
    throw new SummaryError(`${path}: cannot read it (${(error as Error).message})`);
  }
  const parsed = parseSummaryJson(text);
  if ("problem" in parsed) throw new SummaryError(`${path}: ${parsed.problem}`);
  return { dir, ...runLabel(dir), source: "summary.json", summary: parsed.summary };
}
