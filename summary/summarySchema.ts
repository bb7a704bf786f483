import { z } from "zod";
import { firstIssue } from "../zodMessages";
import { SUMMARY_METRICS, type RunSummary } from "./runSummary";
import { statisticsProblem } from "./metricChecks";

const stat = z.number().nullable();
const metricSummary = z
  .object({
    unit: z.string(),
    avg: stat,
    min: stat,
    max: stat,
    std: stat,
    p1: stat,
    p5: stat,
    p10: stat,
    p25: stat,
    p50: stat,
    p75: stat,
    p90: stat,
    p95: stat,
    p99: stat,
  })
  .superRefine((stats, ctx) => {
    // Figures no run can give (a negative time, p50 above p90) would be compared as if measured.
    const wrong = statisticsProblem(stats);
    if (wrong) ctx.addIssue({ code: "custom", path: [wrong.statistic], message: wrong.problem });
  });

const count = z.number().int().min(0);

/** summary.json as `summarize --json` writes it, whoever wrote it: the CLI, the Job's summary container, or a hand. */
const runSummary = z
  .object({
    requests: z.object({
      total: count,
      succeeded: count,
      failed: count,
      skippedLines: count,
      implausible: z
        .object({
          duplicate: count,
          badTimestamp: count,
          endBeforeStart: count,
          negativeValue: count,
          unitMismatch: count,
          // Absent from summary.json files written before these were counted.
          notFinite: count.optional(),
          longerThanRequest: count.optional(),
        })
        .optional(),
    }),
    durationSeconds: z.number().min(0).nullable(),
    metrics: z.object(Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, metricSummary.nullable()]))),
    goodput: z.object({
      slos: z.record(z.string(), z.number()),
      goodRequests: count.nullable(),
      fraction: z.number().min(0).max(1).nullable(),
    }),
  })
  .superRefine(({ requests, goodput }, ctx) => {
    // The figures must add up, or a comparison would show numbers no run produced.
    const problem = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (requests.succeeded + requests.failed !== requests.total) problem(["requests", "total"], "is not succeeded + failed");
    const { goodRequests, fraction } = goodput;
    if (goodRequests === null && fraction !== null) problem(["goodput", "fraction"], "is given without goodRequests");
    if (goodRequests !== null && goodRequests > requests.succeeded)
      problem(["goodput", "goodRequests"], "exceeds the requests that succeeded");
    if (goodRequests !== null && requests.total > 0 && (fraction === null || Math.abs(fraction - goodRequests / requests.total) > 1e-9)) {
      problem(["goodput", "fraction"], "is not goodRequests / requests.total");
    }
  });

/** A summary.json is about 2 KB: five metrics' statistics, a few counts and the SLOs. */
export const MAX_SUMMARY_JSON_BYTES = 2 ** 20;

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
