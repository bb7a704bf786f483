import { z } from "zod";
import { parseJsonText } from "../../lib/jsonText";

export const CALIBRATION_FILE = "calibration.json";
export const CALIBRATION_KIND = "dynamo-bench calibration";
export const CALIBRATION_SCHEMA_VERSION = 1;

/** The fitted coefficients, by name: prefill a + b·t + c·t², decode d + e·u. */
export const COEFFICIENTS = ["a", "b", "c", "d", "e"] as const;
export type Coefficient = (typeof COEFFICIENTS)[number];

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
/** A fit keeps its coefficients non-negative, and no real timing is a million ms per token. */
const coefficient = finite.min(0, { error: "must be ≥ 0: a fit keeps every coefficient non-negative" }).max(1e6, {
  error: "must be at most 1,000,000",
});
const triple = z.tuple([coefficient, coefficient, coefficient]);

/** calibration.json: the fitted timings, what they were fitted to, and how well they reproduce it. */
export const calibrationFileSchema = z.object({
  kind: z.literal(CALIBRATION_KIND, { error: `is not "${CALIBRATION_KIND}": this is not a file dynamo-bench calibrate wrote` }),
  schemaVersion: z.literal(CALIBRATION_SCHEMA_VERSION, {
    error: `must be ${CALIBRATION_SCHEMA_VERSION}: the file is from another version of dynamo-bench`,
  }),
  from: z.object({
    run: z.string(),
    stack: z.string(),
    trace: z.string(),
    records: z.number(),
    // Written since timings follow TP; a file from before it says none.
    tensorParallelSize: z.number().int().min(1).max(1024).optional(),
  }),
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
export type CalibrationFile = z.infer<typeof calibrationFileSchema>;

/** What a fit found, as calibration.json holds it beside what it was fitted to. */
export type FittedTimings = Omit<CalibrationFile, "kind" | "schemaVersion" | "from">;

export function calibrationFileText(calibration: FittedTimings, from: CalibrationFile["from"]): string {
  const file: CalibrationFile = { kind: CALIBRATION_KIND, schemaVersion: CALIBRATION_SCHEMA_VERSION, from, ...calibration };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Parses calibration.json's text; throws an Error naming the field that is wrong. */
export function parseCalibrationFile(text: string): CalibrationFile {
  return parseJsonText(calibrationFileSchema, text);
}
