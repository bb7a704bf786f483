import type { TraceRequest } from "../trace/traceFile";
import { ActiveBlocks } from "./activeBlocks";
import { PrefixCache } from "./prefixCache";
import { router, type Policy } from "./routing";

export const BLOCK_TOKENS = 512;

/** How long a request occupies its worker, for the KV router's active blocks. */
export interface TimeModel {
  prefillTokensPerSecond: number;
  decodeMsPerToken: number;
}

export const DEFAULT_TIME_MODEL: TimeModel = { prefillTokensPerSecond: 20_000, decodeMsPerToken: 25 };

export interface SimulationOptions {
  policy: Policy;
  workers: number;
  capacityTokens: number;
  overlapWeight: number;
  seed: number;
  timeModel: TimeModel;
}

interface MaxMean {
  max: number;
  mean: number;
}

export interface WorkerSimulation {
  policy: Policy;
  workers: number;
  capacityTokensPerWorker: number;
  /** Block references served from a worker's cache. */
  hitRate: number;
  hitBlocks: number;
  references: number;
  /** Input tokens the workers had to prefill. */
  prefillTokens: number;
  load: { requests: MaxMean; prefillTokens: MaxMean };
  /** Tokens cached per worker at the end of the trace. */
  cachedTokens: MaxMean;
}

function maxMean(values: Float64Array): MaxMean {
  let max = 0;
  let sum = 0;
  for (const value of values) {
    max = Math.max(max, value);
    sum += value;
  }
  return { max, mean: sum / values.length };
}

/** Replays requests, already in timestamp order, through the workers' prefix caches. */
export function simulateWorkers(requests: readonly TraceRequest[], options: SimulationOptions): WorkerSimulation {
  const { workers, policy, timeModel } = options;
  const capacityBlocks = Math.floor(options.capacityTokens / BLOCK_TOKENS);
  const caches = Array.from({ length: workers }, () => new PrefixCache(capacityBlocks));
  const active = new ActiveBlocks(workers);
  const route = router(policy, workers, options);
  const requestsPerWorker = new Float64Array(workers);
  const prefillPerWorker = new Float64Array(workers);
  let hitBlocks = 0;
  let references = 0;
  for (const request of requests) {
    active.advanceTo(request.timestamp);
    const ids = request.hash_ids;
    const worker = route(ids, { caches, activeBlocks: active.perWorker });
    const hit = caches[worker].matchPrefix(ids);
    caches[worker].insert(ids);
    const toPrefill = Math.max(0, request.input_length - hit * BLOCK_TOKENS);
    hitBlocks += hit;
    references += ids.length;
    requestsPerWorker[worker]++;
    prefillPerWorker[worker] += toPrefill;
    const durationMs = (toPrefill / timeModel.prefillTokensPerSecond) * 1000 + request.output_length * timeModel.decodeMsPerToken;
    active.add({ endMs: request.timestamp + durationMs, worker, blocks: ids.length });
  }
  const prefillTokens = prefillPerWorker.reduce((sum, tokens) => sum + tokens, 0);
  return {
    policy,
    workers,
    capacityTokensPerWorker: options.capacityTokens,
    hitRate: references > 0 ? hitBlocks / references : 0,
    hitBlocks,
    references,
    prefillTokens,
    load: { requests: maxMean(requestsPerWorker), prefillTokens: maxMean(prefillPerWorker) },
    cachedTokens: maxMean(Float64Array.from(caches, (cache) => cache.size * BLOCK_TOKENS)),
  };
}
