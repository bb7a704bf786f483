import type { TraceRequest } from "./trace/traceFile";
import type { EngineSettings } from "./stackSimulation";

/**
 * Requests whose prompt and output need more KV blocks than a worker's whole cache. The mocker model refuses
 * them, as the mocker does (`neverFits` in mockerStack.ts); the vllm model runs each alone, as if it fit.
 */
export function requestsBeyondKv(
  requests: readonly TraceRequest[],
  engine: Pick<EngineSettings, "kvCapacityTokens" | "blockSize">,
): number {
  const blocks = Math.floor(engine.kvCapacityTokens / engine.blockSize);
  return requests.filter((request) => Math.ceil((request.input_length + Math.max(1, request.output_length)) / engine.blockSize) > blocks)
    .length;
}
