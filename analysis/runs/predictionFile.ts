import { z } from "zod";
import { parseJsonText } from "../../lib/jsonText";

export const PREDICTION_FILE = "prediction.json";
export const PREDICTION_KIND = "dynamo-bench prediction";
export const PREDICTION_SCHEMA_VERSION = 1;

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
const time = finite.min(0, { error: "must be ≥ 0" });
const fractionError = { error: "must be between 0 and 1" };
const percentiles = z
  .object({ p50: time, p90: time, p99: time, avg: time })
  .refine(({ p50, p90, p99 }) => p50 <= p90 && p90 <= p99, { error: "must hold p50 ≤ p90 ≤ p99" });

const fraction = finite.min(0, fractionError).max(1, fractionError);
const rangeEnd = z.object({ timeToFirstToken: percentiles, interTokenLatency: percentiles.nullable(), goodput: fraction.nullable() });

/** prediction.json: what `simulate` predicted for a stack, saved beside the run that measures it. */
export const predictionFileSchema = z.object({
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
  /** Where an uncalibrated prediction lies: its figures with every named span at its fast end and at its slow end. */
  range: z.object({ fast: rangeEnd, slow: rangeEnd, spans: z.array(z.string().max(500)).max(20) }).optional(),
});
export type Prediction = z.infer<typeof predictionFileSchema>;

/** Parses prediction.json's text; throws an Error naming the field that is wrong. */
export function parsePrediction(text: string): Prediction {
  return parseJsonText(predictionFileSchema, text);
}
