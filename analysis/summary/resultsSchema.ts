import * as z from "zod/mini";
import { firstIssue } from "../../lib/zodMessages";
import { STAT_KEYS, statisticsProblem, type StatKey } from "./metricChecks";
import { MAX_SYNTHETIC_CHARS } from "./aiperfFiles";

/**
 * The results schema: one run's summary, as `summarize --json` prints it, summary.json holds it,
 * the benchmark Job's summary container logs it, and compare, the post-run hook and the HTML
 * report read it. Raise the version when a field is removed or changes meaning, so that no reader
 * takes a figure for another. A new optional field (`server`) keeps it: an older reader ignores it.
 */
export const SCHEMA_VERSION = 2;
export const SUMMARY_KIND = "dynamo-bench summary";
/** Version 1 had no kind; it is read as version 2 with one. */
const OLDEST_READ = 1;

export const SUMMARY_METRICS = [
  "time_to_first_token",
  "inter_token_latency",
  "request_latency",
  "input_sequence_length",
  "output_sequence_length",
] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

const statistic = z.nullable(z.number());
const statistics = Object.fromEntries(STAT_KEYS.map((key) => [key, statistic])) as Record<StatKey, typeof statistic>;

/** A metric's unit and statistics; a statistic nobody could compute is null. */
const metricSummary = z.object({ unit: z.string(), ...statistics }).check(
  z.superRefine((stats, ctx) => {
    // Figures no run can give (a negative time, p50 above p90) would be compared as if measured.
    const wrong = statisticsProblem(stats);
    if (wrong) ctx.addIssue({ code: "custom", path: [wrong.statistic], message: wrong.problem, input: stats });
  }),
);
export type MetricSummary = z.infer<typeof metricSummary>;

const count = z.int().check(z.minimum(0));

/** Records that cannot be a real measurement: left out of every figure, and counted here. */
const implausibleRecords = z.object({
  /** An earlier record again: the same request id, or, without one, the same start and end to the ns. */
  duplicate: count,
  /** A request start or end that is no time in this century. */
  badTimestamp: count,
  /** request_end_ns before request_start_ns. */
  endBeforeStart: count,
  /** A time or a token count below zero. */
  negativeValue: count,
  /** A metric in a unit that neither matches the run's other records nor converts to it. */
  unitMismatch: count,
  /** A time that is no finite number once in ms (1e306 s). A literal 1e309 fails the record's schema: a skipped line. */
  notFinite: count,
  /** A time to first token or an inter-token latency longer than the request's own latency. */
  longerThanRequest: count,
  /**
   * A request latency, TTFT or ITL longer than the record's own request_end_ns − request_start_ns. Optional, so that a
   * summary written before it was counted reads as before; every summary written since has it.
   */
  longerThanSpan: z.optional(count),
});
export type ImplausibleRecords = z.infer<typeof implausibleRecords>;

const share = z.nullable(z.number().check(z.minimum(0), z.maximum(1)));
const amount = z.nullable(z.number().check(z.minimum(0)));

/** One worker, from its metrics at the replay's start and end (analysis/summary/serverMetrics.ts). */
const workerMetrics = z.object({
  name: z.string(),
  /** prefill, decode, or worker (aggregated). */
  role: z.string(),
  /** Requests it finished (vllm:request_success_total); null when its engine does not report it. */
  requests: amount,
  /** Prompt tokens it looked up in its prefix cache, and found there (vllm:prefix_cache_queries/hits). */
  queriedTokens: amount,
  hitTokens: amount,
  hitRate: share,
  /** The highest KV-cache usage of its scrapes, 0-1: a lower bound on the true peak, sampled every few minutes. */
  peakKvUsage: share,
  peakWaiting: amount,
  preemptions: amount,
});
export type WorkerMetrics = z.infer<typeof workerMetrics>;

/** What the server saw: the Prometheus metrics the benchmark Job scraped from the frontend and every worker. */
const serverMetrics = z.object({
  scrapes: count,
  from: z.nullable(z.string()),
  to: z.nullable(z.string()),
  frontend: z.nullable(z.object({ requests: z.nullable(count), errors: z.nullable(count), meanTtftMs: amount })),
  prefixCache: z.object({ queriedTokens: amount, hitTokens: amount, hitRate: share }),
  workers: z.array(workerMetrics),
  /** What could not be read, or reads differently: a failed scrape, a restarted worker. */
  notes: z.array(z.string()),
});
export type ServerMetrics = z.infer<typeof serverMetrics>;

const runSummary = z
  .object({
    kind: z.literal(SUMMARY_KIND),
    schemaVersion: z.literal(SCHEMA_VERSION),
    /**
     * Present when the run was generated, not measured (its aggregate says so), saying by what. Absent
     * from the summaries of real runs, and of every summary written before it existed: they read as before.
     */
    synthetic: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_SYNTHETIC_CHARS))),
    requests: z.object({
      total: count,
      succeeded: count,
      failed: count,
      skippedLines: count,
      /** Absent when the figures come from aiperf's aggregate alone, which counts every record. */
      implausible: z.optional(implausibleRecords),
    }),
    /** First request start to last request end; aiperf's benchmark_duration for a run summarized from its aggregate alone. */
    durationSeconds: z.nullable(z.number().check(z.minimum(0))),
    metrics: z.object(
      Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, z.nullable(metricSummary)])) as Record<
        SummaryMetric,
        z.ZodMiniNullable<typeof metricSummary>
      >,
    ),
    /** Counted from the per-request records; null without them, since aiperf's own count used its own SLOs. */
    goodput: z.object({
      slos: z.record(z.string(), z.number()),
      goodRequests: z.nullable(count),
      fraction: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
    }),
    /** Absent when the run has no scrapes: an earlier Job, or aiperf run by hand. */
    server: z.optional(serverMetrics),
  })
  .check(
    z.superRefine(({ requests, goodput }, ctx) => {
      // The figures must add up, or a comparison would show numbers no run produced.
      const problem = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message, input: requests });
      if (requests.succeeded + requests.failed !== requests.total) problem(["requests", "total"], "is not succeeded + failed");
      const { goodRequests, fraction } = goodput;
      if (goodRequests === null && fraction !== null) problem(["goodput", "fraction"], "is given without goodRequests");
      if (goodRequests !== null && goodRequests > requests.succeeded)
        problem(["goodput", "goodRequests"], "exceeds the requests that succeeded");
      if (goodRequests !== null && requests.total > 0 && (fraction === null || Math.abs(fraction - goodRequests / requests.total) > 1e-9)) {
        problem(["goodput", "fraction"], "is not goodRequests / requests.total");
      }
    }),
  );
export type RunSummary = z.infer<typeof runSummary>;
/** summary.json's model, for its published JSON Schema. */
export const runSummarySchema = runSummary;

/** A run summary, from whatever wrote it (this version, another, or a hand), or why it is not one. */
export function parseRunSummary(value: unknown): { summary: RunSummary } | { problem: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { problem: "not a dynamo-bench summary (not a JSON object)" };
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== undefined && !Number.isSafeInteger(version)) {
    return {
      problem: `its schemaVersion is ${JSON.stringify(version)}, not a whole number such as ${SCHEMA_VERSION}: not a dynamo-bench summary`,
    };
  }
  const again = "summarize the run's artifacts again with this version (npx dynamo-bench summarize <artifact-dir> --write)";
  if (version === undefined)
    return { problem: `it has no schemaVersion: a dynamo-bench from before results were versioned wrote it; ${again}` };
  if (typeof version === "number" && version > SCHEMA_VERSION) {
    return { problem: `its schemaVersion is ${version}, newer than the ${SCHEMA_VERSION} this dynamo-bench reads: update dynamo-bench` };
  }
  if (typeof version === "number" && version < OLDEST_READ) {
    return { problem: `its schemaVersion is ${version}, older than the ${OLDEST_READ} this dynamo-bench reads; ${again}` };
  }
  const current = version === 1 ? { ...value, kind: SUMMARY_KIND, schemaVersion: SCHEMA_VERSION } : value;
  const parsed = runSummary.safeParse(current);
  return parsed.success ? { summary: parsed.data } : { problem: `not a dynamo-bench summary (${firstIssue(parsed.error)})` };
}
