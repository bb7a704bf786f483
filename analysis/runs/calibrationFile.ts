import { z } from "zod";
import { parseJsonText } from "../../lib/jsonText";

export const CALIBRATION_FILE = "calibration.json";
export const CALIBRATION_KIND = "dynamo-bench calibration";
export const CALIBRATION_SCHEMA_VERSION = 1;

/**
 * The fitted coefficients, by name: prefill a + b·t + c·t², decode d + e·u, and h, what a disaggregated
 * request pays at its handoff beyond the KV transfer (ms). Only a fit to a disaggregated run has h.
 */
export const COEFFICIENTS = ["a", "b", "c", "d", "e", "h"] as const;
export type Coefficient = (typeof COEFFICIENTS)[number];
export type CoefficientValues = Record<Exclude<Coefficient, "h">, number> & { h?: number };

/** The coefficients a fit has values for, in `COEFFICIENTS`' order. */
export function fittedCoefficients(values: CoefficientValues): Coefficient[] {
  return COEFFICIENTS.filter((name) => values[name] !== undefined);
}

/** The rule: a coefficient is undetermined when its interval reaches more than 5% of its value beyond it, on either side. */
export const UNDETERMINED_SPREAD = 0.05;
/**
 * The handoff overhead h is in ms of every disagg TTFT, and may truly be 0, where 5% of it is nothing: its
 * interval is also tight within this many ms of it, 0.5% of the recipe's 2,000 ms TTFT SLO.
 */
export const HANDOFF_DETERMINED_MS = 10;

/**
 * How the intervals are measured: refits of the run, each to the measured requests resampled with
 * replacement and each from the fit's coefficients scaled by random factors (see sim/calibration.ts).
 */
export const INTERVAL_METHOD = "resampled-restarts";
/** Refits cost a fit each; past this many a file is not one calibrate wrote. */
export const MAX_REFITS = 1000;

/**
 * The mocker floors a decode step at 1 ms (ai-dynamo/dynamo@4cba833f
 * `lib/mocker/src/common/perf_model.rs`, as sim/perfModel.ts does): a decode polynomial that never
 * reaches it predicts that floor for every ITL, whatever the load.
 */
export const DECODE_FLOOR_MS = 1;

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
/** A fit keeps its coefficients non-negative, and no real timing is a million ms per token. */
const coefficient = finite.min(0, { error: "must be ≥ 0: a fit keeps every coefficient non-negative" }).max(1e6, {
  error: "must be at most 1,000,000",
});
const triple = z.tuple([coefficient, coefficient, coefficient]);

const interval = z
  .strictObject(
    { low: coefficient, high: coefficient },
    { error: (issue) => (issue.code === "invalid_type" ? "must be { low, high }" : undefined) },
  )
  .check(z.refine((range) => range.low <= range.high, { error: "low is above high", path: ["high"] }));

/** Each coefficient's interval, and how it was measured. */
const intervalsSchema = z
  .strictObject({
    method: z.literal(INTERVAL_METHOD, { error: `must be "${INTERVAL_METHOD}", the only method calibrate measures intervals by` }),
    refits: z
      .number()
      .int({ error: "must be a whole number of refits" })
      .min(1, { error: "must be at least 1" })
      .max(MAX_REFITS, { error: `must be at most ${MAX_REFITS}` }),
    /** The refits whose misfit reached the others': the intervals are of these and the fit. */
    kept: z.number().int({ error: "must be a whole number of refits" }).min(0, { error: "must be ≥ 0" }),
    seed: z
      .number()
      .int({ error: "must be a whole number" })
      .min(0, { error: "must be ≥ 0" })
      .max(2 ** 32 - 1, { error: "must be below 2^32" }),
    /** The starts of the refits: each coefficient of the fit scaled by a factor within 1 ± this. */
    startSpread: finite.positive({ error: "must be above 0" }).max(1, { error: "must be at most 1" }),
    coefficients: z.strictObject(
      { a: interval, b: interval, c: interval, d: interval, e: interval, h: interval.optional() },
      {
        error: (issue) =>
          issue.code === "invalid_type" ? `must give low and high for each of a, b, c, d, e (and h, in disagg)` : undefined,
      },
    ),
  })
  .check(z.refine((intervals) => intervals.kept <= intervals.refits, { error: "is more than the refits run", path: ["kept"] }));
export type CalibrationIntervals = z.infer<typeof intervalsSchema>;

/** The fitted timings by coefficient name, from the polynomials and the handoff overhead calibration.json holds. */
export function coefficientValues(timings: {
  prefill: readonly number[];
  decode: readonly number[];
  handoffOverheadMs?: number;
}): CoefficientValues {
  const [a, b, c] = timings.prefill;
  const [d, e] = timings.decode;
  return { a, b, c, d, e, ...(timings.handoffOverheadMs !== undefined && { h: timings.handoffOverheadMs }) };
}

/**
 * The coefficients whose interval reaches past the rule's ±5% of their value (for h, or 10 ms, whichever is
 * more); a value of 0 with any width is one, but for h.
 */
export function undeterminedCoefficients(
  values: CoefficientValues,
  intervals: Partial<Record<Coefficient, { low: number; high: number }>>,
): Coefficient[] {
  return fittedCoefficients(values).filter((name) => {
    const value = values[name]!;
    const { low, high } = intervals[name] ?? { low: -Infinity, high: Infinity };
    const slack = Math.max(value * UNDETERMINED_SPREAD, name === "h" ? HANDOFF_DETERMINED_MS : 0);
    return low < value - slack || high > value + slack;
  });
}

/** The prompt length at which a prefill polynomial is judged against the decode floor. */
const JUDGED_PROMPT_TOKENS = 1000;

/**
 * Why timings cannot be an engine's, as `[field, problem]`, or undefined: a decode step that never
 * reaches the 1 ms floor, so every ITL would be that floor whatever the load; or a prefill of a
 * thousand tokens faster than that floor, when prefilling a thousand tokens costs more than decoding one.
 */
export function implausibleTimings(timings: { prefill: readonly number[]; decode: readonly number[] }): [string, string] | undefined {
  const [a, b, c] = timings.prefill;
  const prefillMs = a + b * JUDGED_PROMPT_TOKENS + c * JUDGED_PROMPT_TOKENS ** 2;
  if (prefillMs < DECODE_FLOOR_MS) {
    return [
      "prefill",
      `a prompt of ${JUDGED_PROMPT_TOKENS.toLocaleString("en-US")} tokens would prefill in ${Number(prefillMs.toPrecision(3))} ms, ` +
        `under the ${DECODE_FLOOR_MS} ms floor of a decode step of one token; no engine prefills that fast`,
    ];
  }
  // The terms are ≥ 0, so the step is longest with all of KV in use.
  const longest = timings.decode.reduce((sum, term) => sum + term, 0);
  if (longest <= DECODE_FLOOR_MS) {
    return [
      "decode",
      `its step is at most ${Number(longest.toPrecision(3))} ms even with all of KV in use, ` +
        `under the mocker's ${DECODE_FLOOR_MS} ms floor, ` +
        "so every ITL would be that floor whatever the load",
    ];
  }
  return undefined;
}

/** calibration.json: the fitted timings, what they were fitted to, and how well they reproduce it. */
export const calibrationFileSchema = z
  .object({
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
    // Fitted from a disaggregated run only: what its requests paid at the handoff beyond the KV transfer, ms.
    handoffOverheadMs: coefficient.optional(),
    // The engine holds KV in whole blocks: the reader checks this against the stack's block size.
    kvCapacityTokens: finite
      .int({ error: "must be a whole number of tokens: the engine holds KV in whole blocks of them" })
      .positive({ error: "must be above 0" })
      .max(1e12, { error: "must be at most 10^12" }),
    iterations: z.number(),
    // Written since the fit by group means; a file from before it has none.
    undetermined: z
      .array(z.enum(COEFFICIENTS))
      .max(COEFFICIENTS.length)
      .check(z.refine((names) => new Set(names).size === names.length, { error: "names a coefficient twice" }))
      .default([]),
    // Written since the intervals were measured; a file from before it has none, and its coefficients are unchecked.
    intervals: intervalsSchema.optional(),
    fittedRequests: z.object({ ttft: z.number(), itl: z.number() }),
    error: z.object({ ttftP50: finite, ttftP90: finite, itlP50: finite, itlP90: finite }),
  })
  .check(
    z.superRefine((file, context) => {
      const implausible = implausibleTimings(file);
      if (implausible) context.addIssue({ code: "custom", path: [implausible[0]], message: implausible[1] });
      if (!file.intervals) return;
      const values = coefficientValues(file);
      if (file.intervals.coefficients.h && values.h === undefined) {
        context.addIssue({
          code: "custom",
          path: ["intervals", "coefficients", "h"],
          message: "is an interval of a handoff overhead the file does not hold: give handoffOverheadMs, or remove h",
        });
      }
      for (const name of fittedCoefficients(values)) {
        const value = values[name]!;
        const range = file.intervals.coefficients[name];
        if (!range) {
          context.addIssue({
            code: "custom",
            path: ["intervals", "coefficients", name],
            message: "is missing: the file holds handoffOverheadMs, and calibrate measures an interval for every coefficient it fits",
          });
          continue;
        }
        const { low, high } = range;
        if (value < low || value > high) {
          context.addIssue({
            code: "custom",
            path: ["intervals", "coefficients", name],
            message: `${low} to ${high} does not hold the fitted ${value}, and an interval calibrate measures always does`,
          });
        }
      }
    }),
  );
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

/** A coefficient, its interval, and how far that reaches either side of it: `a 10.50 (8.121 to 14.09: −22.7%, +34.2%)`. */
export function coefficientIntervalText(name: Coefficient, value: number, interval: { low: number; high: number }): string {
  const shown = (x: number) => (x === 0 ? "0" : x.toPrecision(4));
  const reach = (x: number) => `${x < value ? "−" : "+"}${((Math.abs(x - value) / value) * 100).toFixed(1)}%`;
  const range = `${shown(interval.low)} to ${shown(interval.high)}`;
  return `${name} ${shown(value)} (${value > 0 ? `${range}: ${reach(interval.low)}, ${reach(interval.high)}` : range})`;
}

/** Which refits the intervals are of: `10 refits`, or `9 of 10 refits (1 stuck far above the others' misfit, left out)`. */
export function refitsText(intervals: Pick<CalibrationIntervals, "refits" | "kept">): string {
  const left = intervals.refits - intervals.kept;
  return left === 0
    ? `${intervals.refits} refits`
    : `${intervals.kept} of ${intervals.refits} refits (${left} stuck far above the others' misfit, left out)`;
}
