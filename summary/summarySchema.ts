import { z } from "zod";
import { firstIssue } from "../zodMessages";
import { SUMMARY_METRICS, type RunSummary } from "./runSummary";

const stat = z.number().nullable();
const metricSummary = z.object({
  unit: z.string(),
  avg: stat, min: stat, max: stat, std: stat,
  p1: stat, p5: stat, p10: stat, p25: stat, p50: stat, p75: stat, p90: stat, p95: stat, p99: stat,
});

/** summary.json as `summarize --json` writes it, whoever wrote it: the CLI, the Job's summary container, or a hand. */
const runSummary = z.object({
  requests: z.object({
    total: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    skippedLines: z.number(),
    implausible: z.object({ duplicate: z.number(), endBeforeStart: z.number(), negativeTime: z.number(), unitMismatch: z.number() }).optional(),
  }),
  durationSeconds: z.number().nullable(),
  metrics: z.object(Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, metricSummary.nullable()]))),
  goodput: z.object({ slos: z.record(z.string(), z.number()), goodRequests: z.number().nullable(), fraction: z.number().min(0).max(1).nullable() }),
});

/** The summary in a summary.json's text, or why it is not one. */
export function parseSummaryJson(text: string): { summary: RunSummary } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  const summary = runSummary.safeParse(parsed);
  if (!summary.success) return { problem: `not a dynamo-bench summary (${firstIssue(summary.error)})` };
  return { summary: summary.data as RunSummary };
}
