/** A factor or an amount at the fast end of a range and at the slow end. */
export interface Span {
  fast: number;
  slow: number;
}

/** What an uncalibrated prediction does not know, as the spans its fast and slow ends are drawn from. */
export interface Uncertainty {
  /** Factors on the timings' prefill and decode times. */
  prefill: Span;
  decode: Span;
  /** A disaggregated request's handoff overhead beyond the KV transfer, ms; 0 in agg. */
  handoffMs: Span;
  /** Each span in words, as the output names them. */
  named: string[];
}

/**
 * AIConfigurator's estimate is of TensorRT-LLM, and no one has published vLLM's timings of Qwen3-32B
 * on H200: its prefill is taken as the estimate to 25% slower, and so is its decode, which was
 * measured about 25% slower than the estimate. Both are assumptions, stated as such.
 */
export const ESTIMATE_SPAN: Span = { fast: 1, slow: 1.25 };

/**
 * What a disaggregated request pays beyond the KV transfer: routing to the prefill worker and back,
 * NIXL's set-up, the second request to the decode worker. Public disaggregated runs show about 1 s
 * of TTFT at concurrency 1 that prefill and transfer do not explain; none shows it below 0.
 */
export const HANDOFF_OVERHEAD_MS: Span = { fast: 0, slow: 1000 };
