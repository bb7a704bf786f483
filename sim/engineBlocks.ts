import type { TraceRequest } from "../trace/traceFile";

/** The trace's own block: each of its `hash_ids` stands for 512 tokens and the whole prefix before them. */
export const TRACE_BLOCK_TOKENS = 512;

/**
 * The request's full KV blocks at the engine's block size, as content keys: two requests share a
 * block exactly when they share every token up to its end. The engine hashes full blocks only
 * (ai-dynamo/dynamo `lib/kv-router/src/protocols.rs`, `len / block_size` blocks), so a prompt of
 * 12,035 tokens has 188 blocks of 64. A block ending inside trace block b is known by that block's
 * id (which stands for the whole prefix, and so for where the block starts) and by where in it the
 * block ends: id × 512 + offset. With the ids renumbered from 0, keys stay small integers, which a
 * Map hashes fastest.
 */
export function engineBlocks(request: TraceRequest, blockSize: number): number[] {
  const ids = request.hash_ids;
  const count = Math.min(Math.floor(request.input_length / blockSize), Math.floor((ids.length * TRACE_BLOCK_TOKENS) / blockSize));
  const blocks = new Array<number>(count);
  for (let index = 0; index < count; index++) {
    const lastToken = (index + 1) * blockSize - 1;
    blocks[index] = ids[Math.floor(lastToken / TRACE_BLOCK_TOKENS)] * TRACE_BLOCK_TOKENS + (lastToken % TRACE_BLOCK_TOKENS);
  }
  return blocks;
}
