import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { firstIssue } from "../zodMessages";
import { AGGREGATE_FILE, RECORDS_FILE } from "../summary/aiperfFiles";
import { SUMMARY_METRICS, summarizeRun, SummaryError, type RunSummary } from "../summary/runSummary";
import { SUMMARY_JSON } from "../summary/summaryFiles";
import type { Slos } from "../summary/goodput";

const stat = z.number().nullable();
const metricSummary = z.object({
  unit: z.string(),
  avg: stat, min: stat, max: stat, std: stat,
  p1: stat, p5: stat, p10: stat, p25: stat, p50: stat, p75: stat, p90: stat, p95: stat, p99: stat,
});
const runSummary = z.object({
  requests: z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), skippedLines: z.number() }),
  durationSeconds: z.number().nullable(),
  metrics: z.object(Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, metricSummary.nullable()]))),
  goodput: z.object({ slos: z.record(z.string(), z.number()), goodRequests: z.number(), fraction: z.number() }),
});

export interface RunInput {
  dir: string;
  summary: RunSummary;
}

/**
 * One side of a comparison: an aiperf artifact directory, summarized now with the given SLOs, or
 * a results directory that holds a summary.json the post-run hook or `summarize --write` wrote.
 */
export async function loadRun(dir: string, slos: Slos): Promise<RunInput> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SummaryError(`${dir}: no such directory`);
  if (existsSync(join(dir, RECORDS_FILE)) || existsSync(join(dir, AGGREGATE_FILE))) {
    return { dir, summary: (await summarizeRun(dir, slos)).summary };
  }
  const path = join(dir, SUMMARY_JSON);
  if (!existsSync(path)) {
    throw new SummaryError(`${dir}: holds neither aiperf's artifacts nor a ${SUMMARY_JSON}; give an artifact or results directory`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SummaryError(`${path}: not JSON (${(error as Error).message})`);
  }
  const summary = runSummary.safeParse(parsed);
  if (!summary.success) {
    throw new SummaryError(`${path}: not a dynamo-bench summary (${firstIssue(summary.error)})`);
  }
  return { dir, summary: summary.data as RunSummary };
}
