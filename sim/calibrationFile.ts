import { z } from "zod";
import { parseJsonText } from "../lib/jsonText";
import { COEFFICIENTS, type Calibration } from "./calibration";

export const CALIBRATION_FILE = "calibration.json";
const KIND = "dynamo-bench calibration";
const SCHEMA_VERSION = 1;

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
/** A fit keeps its coefficients non-negative, and no real timing is a million ms per token. */
const coefficient = finite.min(0, { error: "must be ≥ 0: a fit keeps every coefficient non-negative" }).max(1e6, {
  error: "must be at most 1,000,000",
});
const triple = z.tuple([coefficient, coefficient, coefficient]);

/** calibration.json: the fitted timings, what they were fitted to, and how well they reproduce it. */
const calibrationFile = z.object({
  kind: z.literal(KIND, { error: `is not "${KIND}": this is not a file simulate --calibrate-from wrote` }),
  schemaVersion: z.literal(SCHEMA_VERSION, { error: `must be ${SCHEMA_VERSION}: the file is from another version of dynamo-bench` }),
  from: z.object({ run: z.string(), stack: z.string(), trace: z.string(), records: z.number() }),
  prefill: triple,
  decode: triple,
  kvCapacityTokens: finite.positive().max(1e12),
  iterations: z.number(),
  // Written since the fit by group means; a file from before it has none.
  undetermined: z
    .array(z.enum(COEFFICIENTS))
    .max(COEFFICIENTS.length)
    .check(z.refine((names) => new Set(names).size === names.length, { error: "names a coefficient twice" }))
    .default([]),
  fittedRequests: z.object({ ttft: z.number(), itl: z.number() }),
  error: z.object({ ttftP50: finite, ttftP90: finite, itlP50: finite, itlP90: finite }),
});
export type CalibrationFile = z.infer<typeof calibrationFile>;

export function calibrationFileText(calibration: Calibration, from: CalibrationFile["from"]): string {
  const file: CalibrationFile = { kind: KIND, schemaVersion: SCHEMA_VERSION, from, ...calibration };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Parses calibration.json's text; throws an Error naming the field that is wrong. */
export function parseCalibrationFile(text: string): CalibrationFile {
  return parseJsonText(calibrationFile, text);
}
