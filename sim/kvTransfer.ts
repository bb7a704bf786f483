import type { StackModel } from "./stackSimulation";

/**
 * How long a prompt's KV takes to cross from its prefill worker to its decode worker, ms: its tokens × the
 * KV bytes per token over the bandwidth, as both engine models charge it before the handoff's overhead
 * (mockerStack.ts and stackSimulation.ts, after ai-dynamo/dynamo@4cba833f lib/mocker/src/common/utils.rs).
 */
export function kvTransferMs(model: Pick<StackModel, "kvBytesPerToken" | "transferGBps">, promptTokens: number): number {
  return Number.isFinite(model.transferGBps) ? (promptTokens * model.kvBytesPerToken) / (model.transferGBps * 1e6) : 0;
}
