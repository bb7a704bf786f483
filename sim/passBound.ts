import type { TraceRequest } from "./trace/traceFile";

/**
 * The most passes a simulation of these requests runs, on all workers together. Every pass moves some
 * request on by at least one token: a prompt token prefilled (a running request's chunk gets the
 * budget first, so it is never empty) or an output token emitted, or, once, an empty prompt's
 * prefill. So Σ (input + max(1, output) + 1) bounds them, prefill and decode workers in disagg
 * included; each pass costs at most O(maxNumSeqs). With every request within the stack's
 * maxModelLen (the trace reader refuses longer ones), that is at most requests × (maxModelLen + 2).
 */
export function passBound(requests: readonly TraceRequest[]): number {
  let bound = 0;
  for (const request of requests) bound += request.input_length + Math.max(1, request.output_length) + 1;
  return bound;
}
