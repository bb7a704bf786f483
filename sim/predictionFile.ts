import { z } from "zod";
import type { SimulationReport } from "./traceSimulation";

export const PREDICTION_FILE = "prediction.json";
const KIND = "dynamo-bench prediction";
const SCHEMA_VERSION = 1;

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
const percentiles = z.object({ p50: finite, p90: finite, p99: finite, avg: finite });

/** prediction.json: what `simulate` predicted for a stack, saved beside the run that measures it. */
const predictionFile = z.object({
  kind: z.literal(KIND, { error: `is not "${KIND}"` }),
  schemaVersion: z.literal(SCHEMA_VERSION, { error: `must be ${SCHEMA_VERSION}: the file is from another version of dynamo-bench` }),
  stack: z.string(),
  trace: z.object({ sha256: z.string(), requests: z.number() }),
  perfModel: z.string(),
  policy: z.string(),
  /** ms. */
  timeToFirstToken: percentiles,
  interTokenLatency: percentiles.nullable(),
  requestLatency: percentiles,
  goodput: z.object({ fraction: finite, slos: z.record(z.string(), finite) }).nullable(),
});
export type Prediction = z.infer<typeof predictionFile>;

export function predictionFileText(report: SimulationReport, about: { stack: string; trace: Prediction["trace"] }): string {
  const prediction: Prediction = {
    kind: KIND,
    schemaVersion: SCHEMA_VERSION,
    stack: about.stack,
    trace: about.trace,
    perfModel: report.perfModel,
    policy: report.policy,
    ...report.latency,
    goodput: report.goodput ? { fraction: report.goodput.fraction, slos: report.goodput.slos } : null,
  };
  return `${JSON.stringify(prediction, null, 2)}\n`;
}

/** Parses prediction.json's text; throws an Error naming the field that is wrong. */
export function parsePrediction(text: string): Prediction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  const parsed = predictionFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join(".") || "the file"}: ${issue.message}`);
  }
  return parsed.data;
}
