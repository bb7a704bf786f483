/** What a worker's KV capacity depends on: the model's shape and weights, the GPUs' memory, and TP. */
export interface KvCapacityInputs {
  model: { layers: number; kvHeads: number; headDim: number; kvBytesPerElement: number; weightsGB: number };
  cluster: { gpuMemoryGB: number };
  workers: { gpuMemoryUtilization: number; tensorParallelSize: number };
}

const GB = 1e9;

/** K and V, for every layer and KV head: 64 × 8 × 128 × 2 × 2 bytes = 256 KiB for Qwen3-32B in bf16. */
export function kvBytesPerToken(config: KvCapacityInputs): number {
  const { layers, kvHeads, headDim, kvBytesPerElement } = config.model;
  return layers * kvHeads * headDim * 2 * kvBytesPerElement;
}

/** Tokens of KV cache one worker holds: its GPUs' share of memory for vLLM, less the weights. */
export function workerCapacityTokens(config: KvCapacityInputs): number {
  const usable = config.cluster.gpuMemoryGB * GB * config.workers.gpuMemoryUtilization * config.workers.tensorParallelSize;
  return Math.max(0, Math.floor((usable - config.model.weightsGB * GB) / kvBytesPerToken(config)));
}
