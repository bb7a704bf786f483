import { z } from "zod";
import { parseJsonText } from "../../lib/jsonText";

export const PREDICTION_FILE = "prediction.json";
export const PREDICTION_KIND = "dynamo-bench prediction";
export const PREDICTION_SCHEMA_VERSION = 1;
/** How a note that no prediction.json was written begins, wherever it is made: the report prints it as a sentence. */
export const NO_PREDICTION_SAVED = "No prediction saved";

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
const time = finite.min(0, { error: "must be ≥ 0" });
const fractionError = { error: "must be between 0 and 1" };
const percentiles = z
  .object({ p50: time, p90: time, p99: time, avg: time })
  .refine(({ p50, p90, p99 }) => p50 <= p90 && p90 <= p99, { error: "must hold p50 ≤ p90 ≤ p99" });

const fraction = finite.min(0, fractionError).max(1, fractionError);
const rangeEnd = z.object({ timeToFirstToken: percentiles, interTokenLatency: percentiles.nullable(), goodput: fraction.nullable() });

const predictionFields = z.object({
  kind: z.literal(PREDICTION_KIND, { error: `is not "${PREDICTION_KIND}"` }),
  schemaVersion: z.literal(PREDICTION_SCHEMA_VERSION, {
    error: `must be ${PREDICTION_SCHEMA_VERSION}: the file is from another version of dynamo-bench`,
  }),
  stack: z.string(),
  trace: z.object({ sha256: z.string(), requests: z.number() }),
  perfModel: z.string(),
  policy: z.string(),
  /** ms. */
  timeToFirstToken: percentiles,
  interTokenLatency: percentiles.nullable(),
  requestLatency: percentiles,
  /** The share of requests within every SLO: a fraction, so a 5 (500%) is a broken file, not a prediction. */
  goodput: z.object({ fraction: finite.min(0, fractionError).max(1, fractionError), slos: z.record(z.string(), finite) }).nullable(),
  /** Prompt tokens found in a prefix cache, of all prompt tokens: what the workers' vLLM counts as prefix-cache hits. */
  prefixCacheHitRate: finite.min(0).max(1).optional(),
  /**
   * Where an uncalibrated prediction lies: each figure's best (fast) and worst (slow) over the point and its
   * simulations with every named span at its fast end and at its slow end. Null or absent for a point.
   */
  range: z
    .object({
      fast: rangeEnd,
      slow: rangeEnd,
      spans: z.array(z.string().max(500)).min(1, { error: "names no span: a range comes from at least one" }).max(20),
    })
    .nullable()
    .optional(),
});
export type Prediction = z.infer<typeof predictionFields>;

const RANGED_LATENCIES = ["timeToFirstToken", "interTokenLatency"] as const;
const RANGED_STATISTICS = ["p50", "p90", "p99", "avg"] as const;

type Problem = { path: string[]; message: string };

/**
 * What makes a range no range: its ends out of order, a figure at one end and not at the other, or the
 * point outside it (simulate writes fast ≤ point ≤ slow in latency, fast ≥ point ≥ slow in goodput).
 * Each problem names the field it is in.
 */
function rangeProblems(prediction: Prediction): Problem[] {
  const { range } = prediction;
  if (!range) return [];
  const problems: Problem[] = [];
  const problem = (path: string[], message: string) => problems.push({ path: ["range", ...path], message });
  /** A figure's two ends, when both are given; a problem when only one is. */
  function ends<T>(name: string, fast: T | null, slow: T | null, point: unknown): [T, T] | undefined {
    if (fast === null && slow === null) return undefined;
    if (fast === null || slow === null) {
      const [missing, given] = fast === null ? ["fast", "slow"] : ["slow", "fast"];
      problem([missing, name], `is null while range.${given}.${name} is not: a range gives a figure at both ends or at neither`);
      return undefined;
    }
    if (point === null) {
      problem(["fast", name], `is given while ${name} is null: a range is of a figure the prediction has`);
      return undefined;
    }
    return [fast, slow];
  }
  for (const latency of RANGED_LATENCIES) {
    const point = prediction[latency];
    const pair = ends(latency, range.fast[latency], range.slow[latency], point);
    if (!pair || !point) continue;
    const [fast, slow] = pair;
    for (const p of RANGED_STATISTICS) {
      const at = `${latency}.${p}`;
      if (fast[p] > slow[p])
        problem(["fast", latency, p], `is above range.slow.${at} (${fast[p]} > ${slow[p]}): the fast end is the lower`);
      else if (fast[p] > point[p])
        problem(["fast", latency, p], `is above the point's ${at} (${fast[p]} > ${point[p]}): a range holds its point`);
      else if (slow[p] < point[p])
        problem(["slow", latency, p], `is below the point's ${at} (${slow[p]} < ${point[p]}): a range holds its point`);
    }
  }
  const point = prediction.goodput?.fraction ?? null;
  const pair = ends("goodput", range.fast.goodput, range.slow.goodput, point);
  if (pair && point !== null) {
    const [fast, slow] = pair;
    const holds = "a range holds its point";
    if (fast < slow) problem(["fast", "goodput"], `is below range.slow.goodput (${fast} < ${slow}): the fast end is the higher`);
    else if (fast < point) problem(["fast", "goodput"], `is below the point's goodput.fraction (${fast} < ${point}): ${holds}`);
    else if (slow > point) problem(["slow", "goodput"], `is above the point's goodput.fraction (${slow} > ${point}): ${holds}`);
  }
  return problems;
}

/** prediction.json: what `simulate` predicted for a stack, saved beside the run that measures it. */
export const predictionFileSchema = predictionFields.superRefine((prediction, context) => {
  for (const { path, message } of rangeProblems(prediction)) context.addIssue({ code: "custom", path, message });
});

/** Parses prediction.json's text; throws an Error naming the field that is wrong. */
export function parsePrediction(text: string): Prediction {
  return parseJsonText(predictionFileSchema, text);
}
