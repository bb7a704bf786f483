import type { PerfProfile } from "./perfProfile";
import type { TpTimings } from "./tensorParallel";
import type { Span, Uncertainty } from "./spans";

/**
 * How long a worker's engine pass takes, in the mocker's terms (ai-dynamo/dynamo
 * `lib/mocker/src/common/perf_model.rs`): a pass prefills some prompt tokens and decodes one token
 * of every running request, and takes the prefill time plus the decode time.
 *
 * One difference: the mocker times a pass's prefill by its new tokens alone. Here new tokens cost
 * what the single-request curve adds between the context they follow and the end of the chunk,
 * TTFT(context + new) − TTFT(context), so that tokens attending to a long cached prefix or to
 * earlier chunks cost more, as attention does. For one request alone, in one pass, it is TTFT(new).
 */
export interface PerfModel {
  describe: string;
  /** Which TP the timings are for and what was scaled to reach the stack's; absent where no stack's TP was asked. */
  tensorParallel?: TpTimings;
  /** What the timings do not know: the spans an uncalibrated prediction's range is drawn from. */
  uncertainty?: Omit<Uncertainty, "handoffMs">;
  /** The timings are the reference itself (the mocker's own): a prediction from them is a point. */
  exact?: boolean;
  /** The timings were fitted to a run: no timing span. */
  calibrated?: boolean;
  /**
   * The disagg handoff overhead fitted with the timings, from a disaggregated run: its value, and its
   * interval as a span when the run left it undetermined (a point span otherwise). Absent, the
   * overhead is unknown and spans `HANDOFF_OVERHEAD_MS`.
   */
  calibratedHandoff?: { ms: number; span: Span };
  /** The part of a pass that prefills anything which does not grow with its tokens: TTFT at 0 tokens. */
  prefillPassMs: number;
  /** Time to compute `tokens` new prompt tokens that follow `context` tokens already in KV. */
  prefillMs(context: number, tokens: number): number;
  /**
   * The single-request TTFT curve itself, at least 0: what the mocker charges a whole pass's prefill,
   * at the new tokens of all its requests together (`predict_prefill_time`, perf_model.rs @ 4cba833f).
   */
  prefillCurveMs(tokens: number): number;
  /** One decode step, from the tokens active in KV and the mean context of the requests decoding. */
  decodeMs(activeKvTokens: number, meanContext: number): number;
}

/** The mocker floors a decode step at 1 ms. */
const MIN_DECODE_MS = 1;

/** Piecewise-linear through sorted points, extended along the end segments, as the mocker's interpolation is. */
export function linearThrough(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  if (xs.length === 1) return () => ys[0];
  return (x) => {
    let right = 1;
    while (right < xs.length - 1 && xs[right] < x) right++;
    const left = right - 1;
    return ys[left] + ((ys[right] - ys[left]) * (x - xs[left])) / (xs[right] - xs[left]);
  };
}

/** A prefill model from a single-request TTFT curve, as the header explains. */
function fromTtftCurve(ttft: (tokens: number) => number): Pick<PerfModel, "prefillPassMs" | "prefillMs" | "prefillCurveMs"> {
  const atZero = ttft(0);
  return {
    prefillPassMs: Math.max(0, atZero),
    prefillCurveMs: (tokens) => Math.max(0, ttft(tokens)),
    prefillMs: (context, tokens) => (tokens <= 0 ? 0 : Math.max(0, ttft(context + tokens) - (context > 0 ? ttft(context) : atZero))),
  };
}

export function profilePerfModel(profile: PerfProfile): PerfModel {
  const ttft = linearThrough(profile.prefill.inputTokens, profile.prefill.ttftMs);
  const rows = profile.decode.rows.map((row) => linearThrough(row.activeKvTokens, row.itlMs));
  const contexts = profile.decode.rows.map((row) => row.contextLength);
  return {
    describe: profile.source,
    ...fromTtftCurve(ttft),
    // Bilinear: along active KV tokens in the two rows around the context, then between them.
    decodeMs: (activeKvTokens, meanContext) => {
      if (rows.length === 1) return Math.max(MIN_DECODE_MS, rows[0](activeKvTokens));
      let upper = 1;
      while (upper < contexts.length - 1 && contexts[upper] < meanContext) upper++;
      const below = rows[upper - 1](activeKvTokens);
      const above = rows[upper](activeKvTokens);
      const at = below + ((above - below) * (meanContext - contexts[upper - 1])) / (contexts[upper] - contexts[upper - 1]);
      return Math.max(MIN_DECODE_MS, at);
    },
  };
}

/** The mocker's default polynomials, in ms: prefill over new tokens, decode over the fraction of KV in use. */
export interface PolynomialCoefficients {
  /** TTFT(t) = prefill[0] + prefill[1]·t + prefill[2]·t². */
  prefill: [number, number, number];
  /** step(p) = decode[0] + decode[1]·p + decode[2]·p², p = active KV tokens / the worker's KV capacity. */
  decode: [number, number, number];
}

/**
 * ai-dynamo/dynamo `lib/mocker/src/common/perf_model.rs` (1.3-era, the constants unchanged since
 * PR #3833, "new planner sweeps on H200"): prefill 4.209989e-07·T² + 1.518344e-02·T + 16.50142,
 * decode −25.74·p² + 54.01·p + 5.74. Which model was swept is not said.
 */
export const MOCKER_POLYNOMIAL: PolynomialCoefficients = {
  prefill: [16.50142, 1.518344e-2, 4.209989e-7],
  decode: [5.74, 54.01, -25.74],
};

/**
 * `speedup` is the mocker's `--speedup-ratio`: it divides every engine time, the decode floor's
 * included (ai-dynamo/dynamo@4cba833f `lib/mocker/src/scheduler/vllm/core.rs`, after
 * `perf_model.rs` has floored the step).
 */
export function polynomialPerfModel(
  coefficients: PolynomialCoefficients,
  kvCapacityTokens: number,
  describe: string,
  speedup = 1,
): PerfModel {
  const [p0, p1, p2] = coefficients.prefill;
  const [d0, d1, d2] = coefficients.decode;
  return {
    describe,
    ...fromTtftCurve((tokens) => (p0 + p1 * tokens + p2 * tokens * tokens) / speedup),
    decodeMs: (activeKvTokens) => {
      const used = kvCapacityTokens > 0 ? activeKvTokens / kvCapacityTokens : 0;
      return Math.max(MIN_DECODE_MS, d0 + d1 * used + d2 * used * used) / speedup;
    },
  };
}
