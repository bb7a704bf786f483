import type { TraceRequest } from "./trace/traceFile";

/** The trace's own block: each of its `hash_ids` stands for 512 tokens and the whole prefix before them. */
export const TRACE_BLOCK_TOKENS = 512;

/**
 * A prompt's full KV blocks at the engine's block size, grouped by the trace's blocks: `fills[i]`
 * engine blocks lie in trace block `ids[i]`. The engine hashes full blocks only (ai-dynamo/dynamo
 * `lib/kv-router/src/protocols.rs`: `len / block_size` blocks), so a prompt of 12,035 tokens has
 * 188 blocks of 64: 23 trace blocks of 8, and 4 in the 24th. Two prompts share an engine block
 * exactly when they share its trace block, whose id stands for the whole prefix. Counting engine
 * blocks a trace block at a time keeps the caches' and the router's work an eighth of what one
 * entry per engine block would cost.
 */
export interface PromptBlocks {
  ids: number[];
  fills: number[];
  /** Engine blocks in all: the sum of `fills`. */
  total: number;
}

/** Block sizes the grouping can hold: those that divide the trace's 512-token blocks, as vLLM's (16, 32, 64, 128) do. */
export function fitsTraceBlocks(blockSize: number): boolean {
  return Number.isInteger(blockSize) && blockSize >= 1 && TRACE_BLOCK_TOKENS % blockSize === 0;
}

/** The prompt's first `engineBlocks` full blocks. */
export function promptPrefix(prompt: PromptBlocks, engineBlocks: number): PromptBlocks {
  const ids: number[] = [];
  const fills: number[] = [];
  let total = 0;
  for (let i = 0; i < prompt.ids.length && total < engineBlocks; i++) {
    ids.push(prompt.ids[i]);
    fills.push(Math.min(prompt.fills[i], engineBlocks - total));
    total += fills[i];
  }
  return { ids, fills, total };
}

export function promptBlocks(request: TraceRequest, blockSize: number): PromptBlocks {
  const perTraceBlock = TRACE_BLOCK_TOKENS / blockSize;
  const total = Math.min(Math.floor(request.input_length / blockSize), request.hash_ids.length * perTraceBlock);
  const count = Math.ceil(total / perTraceBlock);
  const ids = request.hash_ids.slice(0, count);
  const fills = ids.map((_, i) => Math.min(perTraceBlock, total - i * perTraceBlock));
  return { ids, fills, total };
}
