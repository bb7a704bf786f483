import type { PerfProfile, ProfileTp } from "./perfProfile";

/**
 * How a worker's engine times change with its tensor-parallel size, when the timings at hand were
 * measured (or estimated) at another one. A speedup from TP s to TP t is taken as (t / s)^k.
 *
 * No one has published vLLM timings of Qwen3-32B on H200 at more than one TP, nor a measured
 * scaling rule for them: every exponent below is an assumption, and the low and high are the range
 * this project carries as the rule's uncertainty, not a confidence interval.
 * - prefill is compute-bound: k = 1 would be perfect splitting; each layer's two all-reduces over
 *   NVLink take some back. k = log2 1.8 is the 1.8 at TP 2 this project assumed before; 0.7 to 1 its range.
 * - a decode step reads the weights and the KV once, both split across the GPUs, but the
 *   all-reduces' latency and the step's launch and scheduling do not shrink with TP: a weaker k.
 */
export const TP_SCALING = {
  prefill: { exponent: Math.log2(1.8), low: 0.7, high: 1 },
  decode: { exponent: 0.6, low: 0.3, high: 0.9 },
} as const;

export type TimingsHalf = "prefill" | "decode";

/** How one half of the timings meets the stack's TP: `speedup` divides the times; 1 when used as is. */
export interface TpAdjustment {
  /** The TP the timings were measured or estimated at; null when their source does not say. */
  fromTp: number | null;
  speedup: number;
  /** The rule's range for `speedup`; both equal to it when nothing was scaled. */
  low: number;
  high: number;
  /** as-given: measured at the stack's TP; scaled: by `TP_SCALING`; tp-unknown: the source says no TP; tp-free: no TP in the model. */
  basis: "as-given" | "scaled" | "tp-unknown" | "tp-free";
}

/** What the timings assume of TP, as `simulate` reports it beside the figures. */
export interface TpTimings {
  /** The stack's `workers.tensorParallelSize`. */
  stackTp: number;
  prefill: TpAdjustment;
  decode: TpAdjustment;
}

export function tpAdjustment(half: TimingsHalf, fromTp: number | null, stackTp: number): TpAdjustment {
  if (fromTp === null) return { fromTp, speedup: 1, low: 1, high: 1, basis: "tp-unknown" };
  if (fromTp === stackTp) return { fromTp, speedup: 1, low: 1, high: 1, basis: "as-given" };
  const { exponent, low, high } = TP_SCALING[half];
  const ratio = stackTp / fromTp;
  const ends = [ratio ** low, ratio ** high].sort((a, b) => a - b);
  return { fromTp, speedup: ratio ** exponent, low: ends[0], high: ends[1], basis: "scaled" };
}

export function tpTimings(from: ProfileTp, stackTp: number): TpTimings {
  return { stackTp, prefill: tpAdjustment("prefill", from.prefill, stackTp), decode: tpAdjustment("decode", from.decode, stackTp) };
}

/** Timings whose model has no TP in it (the mocker's polynomials): the stack's TP changes nothing of them. */
export function tpFree(stackTp: number): TpTimings {
  const same: TpAdjustment = { fromTp: null, speedup: 1, low: 1, high: 1, basis: "tp-free" };
  return { stackTp, prefill: same, decode: same };
}

/** The profile's times divided by each half's speedup. */
export function scaledProfile(profile: PerfProfile, tp: TpTimings): PerfProfile {
  const prefill = tp.prefill.speedup;
  const decode = tp.decode.speedup;
  return {
    ...profile,
    prefill: { ...profile.prefill, ttftMs: profile.prefill.ttftMs.map((ms) => ms / prefill) },
    decode: { rows: profile.decode.rows.map((row) => ({ ...row, itlMs: row.itlMs.map((ms) => ms / decode) })) },
  };
}

const fixed = (value: number) => value.toFixed(2);

function halfText(half: TimingsHalf, adjustment: TpAdjustment, stackTp: number): string {
  switch (adjustment.basis) {
    case "as-given":
      return `${half} at TP ${stackTp} as given`;
    case "tp-unknown":
      return `${half} used as is at TP ${stackTp} (its source does not say which TP it is for)`;
    case "tp-free":
      return `${half} takes no TP`;
    case "scaled": {
      const { fromTp, speedup, low, high } = adjustment;
      // Fewer GPUs than measured: said as a slowdown, ×1.52 slower rather than ×0.66 faster.
      const [factor, from, to, way] = speedup >= 1 ? [speedup, low, high, "faster"] : [1 / speedup, 1 / high, 1 / low, "slower"];
      return (
        `${half} at TP ${fromTp} scaled to TP ${stackTp} ×${fixed(factor)} ${way} ` +
        `(assumed: (${stackTp}/${fromTp})^${TP_SCALING[half].exponent.toFixed(2)}, range ×${fixed(from)}–×${fixed(to)})`
      );
    }
  }
}

/** One clause for the timings' description: which TP they are for, and what was scaled by how much. */
export function tpText(tp: TpTimings): string {
  if (tp.prefill.basis === "tp-free" && tp.decode.basis === "tp-free") {
    return `they take no TP, so TP ${tp.stackTp} sets only the KV capacity`;
  }
  return `${halfText("prefill", tp.prefill, tp.stackTp)}; ${halfText("decode", tp.decode, tp.stackTp)}`;
}
