import type { PerfModel } from "./perfModel";
import type { TpTimings } from "./tensorParallel";
import type { StackModel } from "./stackSimulation";
import { ESTIMATE_SPAN, HANDOFF_OVERHEAD_MS, type Span, type Uncertainty } from "./spans";

const percent = (factor: number) => `${Math.round((factor - 1) * 100)}%`;

/**
 * The timing spans of a perf model: the estimate's own (when `estimate`), times the TP rule's range for
 * each half the timings were scaled in. Undefined when nothing is uncertain.
 */
export function timingUncertainty(tp: TpTimings | undefined, estimate: boolean): Omit<Uncertainty, "handoffMs"> | undefined {
  const named: string[] = [];
  const half = (which: "prefill" | "decode"): Span => {
    let span: Span = estimate ? { ...ESTIMATE_SPAN } : { fast: 1, slow: 1 };
    if (estimate) named.push(`${which} timing: the estimate to ${percent(ESTIMATE_SPAN.slow)} slower`);
    const adjustment = tp?.[which];
    if (adjustment?.basis === "scaled") {
      // The point divides by the rule's speedup; the range's ends by its low and high.
      span = { fast: (span.fast * adjustment.speedup) / adjustment.high, slow: (span.slow * adjustment.speedup) / adjustment.low };
      named.push(`${which} TP scaling: ×${adjustment.low.toFixed(2)}–×${adjustment.high.toFixed(2)} from TP ${adjustment.fromTp}`);
    }
    return span;
  };
  const prefill = half("prefill");
  const decode = half("decode");
  return named.length > 0 ? { prefill, decode, named } : undefined;
}

/**
 * A stack's uncertainty: its timings', and the handoff overhead of any disaggregated split. Null when the
 * prediction is a point: the mocker's own timings. Calibrated timings keep the handoff's span alone, the
 * interval of the overhead they were fitted with or, from an agg run's fit, the whole of `HANDOFF_OVERHEAD_MS`.
 */
export function stackUncertainty(perf: PerfModel): Uncertainty | null {
  if (perf.exact) return null;
  const none = { prefill: { fast: 1, slow: 1 }, decode: { fast: 1, slow: 1 }, named: [] };
  const timing = perf.calibrated ? none : (perf.uncertainty ?? none);
  return { ...timing, handoffMs: perf.calibratedHandoff?.span ?? HANDOFF_OVERHEAD_MS };
}

/** The spans that move this stack's prediction, in words; empty when none does. */
export function namedSpans(uncertainty: Uncertainty, disaggregated: boolean): string[] {
  const { handoffMs } = uncertainty;
  if (!disaggregated || handoffMs.fast === handoffMs.slow) return uncertainty.named;
  const ms = (value: number) => Number(value.toPrecision(4));
  return [...uncertainty.named, `disagg handoff overhead: ${ms(handoffMs.fast)}–${ms(handoffMs.slow)} ms`];
}

/** The stack at one end of its range: every span at its fast end, or every one at its slow end. */
export function atEnd(model: StackModel, end: keyof Span): StackModel {
  const uncertainty = model.uncertainty!;
  return {
    ...model,
    perf: scaledPerf(model.perf, uncertainty.prefill[end], uncertainty.decode[end]),
    handoffOverheadMs: model.decodeWorkers > 0 ? uncertainty.handoffMs[end] : 0,
    uncertainty: null,
  };
}

/** The perf model with its prefill and decode times multiplied. */
export function scaledPerf(perf: PerfModel, prefill: number, decode: number): PerfModel {
  return {
    ...perf,
    prefillPassMs: perf.prefillPassMs * prefill,
    prefillMs: (context, tokens) => perf.prefillMs(context, tokens) * prefill,
    prefillCurveMs: (tokens) => perf.prefillCurveMs(tokens) * prefill,
    decodeMs: (active, context) => perf.decodeMs(active, context) * decode,
  };
}
