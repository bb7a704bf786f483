import type { PrefixCache } from "./prefixCache";

export const POLICIES = ["round-robin", "random", "kv"] as const;
export type Policy = (typeof POLICIES)[number];

/** A deterministic pseudo-random sequence in [0, 1), so that every run routes alike. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A request as a router sees it: its full KV blocks, by content, and its length. */
export interface RoutedRequest {
  blocks: readonly number[];
  inputTokens: number;
}

export interface KvRouterSettings {
  blockSize: number;
  /** `prefill_load_scale`, which the deprecated `--kv-overlap-score-weight` sets. 1 by default. */
  overlapWeight: number;
  /** `--router-temperature`: 0 picks the lowest cost; above 0 samples a softmax over costs. */
  temperature: number;
  /** Counts the blocks of requests in flight. Dynamo turns this off for the prefill workers of a disaggregated graph. */
  trackActiveBlocks: boolean;
  /** Counts the cached prefix. Off for decode workers, whose requests Dynamo hashes so that they never share. */
  useOverlap: boolean;
  /** Counts outstanding prefill tokens. Off for decode workers, which prefill nothing: their cost is their active blocks. */
  trackPrefillTokens: boolean;
}

/** One booking on a worker, released in two steps: prefill tokens at the first token, blocks at the end. */
export interface Booking {
  worker: number;
  prefillTokens: number;
  blocks: readonly number[];
}

/**
 * Dynamo's KV router, 1.3 (ai-dynamo/dynamo @ 5a510fec, the 1.3.0 tree the 1.3.1 recipe runs):
 * - `lib/kv-router/src/scheduling/selector.rs` `worker_logit`: for each worker,
 *     cost = overlap weight × max(0, (outstanding prefill tokens + input tokens) / block size − cached blocks)
 *          + distinct blocks active on it + this request's blocks not already active there.
 *   The division is a float's; the cached blocks are the worker's full-block prefix hit.
 * - temperature 0 picks the lowest cost, exact ties uniformly at random (reservoir sampling);
 *   above 0 it samples p ∝ exp(−(cost − min) / ((max − min) × temperature)), uniformly if all are equal.
 * - `lib/kv-router/src/sequences/`: a booking adds the uncached input tokens to the worker's
 *   outstanding prefill, released at the first token (`mark_prefill_completed`), and every full
 *   block of the prompt, cached or not, to its active blocks, de-duplicated by content and
 *   released when the request ends.
 */
export class KvRouter {
  private readonly outstandingPrefill: Float64Array;
  private readonly active: Map<number, number>[];

  constructor(
    private readonly caches: readonly PrefixCache[],
    private readonly settings: KvRouterSettings,
    private readonly random: () => number,
  ) {
    this.outstandingPrefill = new Float64Array(caches.length);
    this.active = caches.map(() => new Map());
  }

  /** The cost of each worker for the request, lower is better. */
  costs(request: RoutedRequest): Float64Array {
    const { blockSize, overlapWeight, trackActiveBlocks, useOverlap, trackPrefillTokens } = this.settings;
    const costs = new Float64Array(this.caches.length);
    for (let worker = 0; worker < costs.length; worker++) {
      let cost = 0;
      if (trackPrefillTokens) {
        const cached = useOverlap ? this.caches[worker].matchPrefix(request.blocks) : 0;
        const prefillBlocks = (this.outstandingPrefill[worker] + request.inputTokens) / blockSize;
        cost = overlapWeight * Math.max(0, prefillBlocks - cached);
      }
      if (trackActiveBlocks) {
        const active = this.active[worker];
        let alreadyActive = 0;
        while (alreadyActive < request.blocks.length && active.has(request.blocks[alreadyActive])) alreadyActive++;
        cost += active.size + request.blocks.length - alreadyActive;
      }
      costs[worker] = cost;
    }
    return costs;
  }

  route(request: RoutedRequest): Booking {
    const costs = this.costs(request);
    const worker = this.settings.temperature > 0 ? softmaxPick(costs, this.settings.temperature, this.random) : lowest(costs, this.random);
    const cached = this.settings.useOverlap ? this.caches[worker].matchPrefix(request.blocks) : 0;
    const prefillTokens = this.settings.trackPrefillTokens ? Math.max(0, request.inputTokens - cached * this.settings.blockSize) : 0;
    this.outstandingPrefill[worker] += prefillTokens;
    if (this.settings.trackActiveBlocks) {
      const active = this.active[worker];
      for (const block of request.blocks) active.set(block, (active.get(block) ?? 0) + 1);
    }
    return { worker, prefillTokens, blocks: request.blocks };
  }

  prefillDone(booking: Booking): void {
    this.outstandingPrefill[booking.worker] -= booking.prefillTokens;
    booking.prefillTokens = 0;
  }

  free(booking: Booking): void {
    this.prefillDone(booking);
    if (!this.settings.trackActiveBlocks) return;
    const active = this.active[booking.worker];
    for (const block of booking.blocks) {
      const count = active.get(block)! - 1;
      if (count === 0) active.delete(block);
      else active.set(block, count);
    }
  }
}

/** The lowest cost; exact ties are broken uniformly at random, one candidate at a time, as reservoir sampling does. */
export function lowest(costs: Float64Array, random: () => number): number {
  let best = 0;
  let ties = 1;
  for (let worker = 1; worker < costs.length; worker++) {
    if (costs[worker] < costs[best]) {
      best = worker;
      ties = 1;
    } else if (costs[worker] === costs[best]) {
      ties++;
      if (random() * ties < 1) best = worker;
    }
  }
  return best;
}

export function softmaxPick(costs: Float64Array, temperature: number, random: () => number): number {
  let min = Infinity;
  let max = -Infinity;
  for (const cost of costs) {
    min = Math.min(min, cost);
    max = Math.max(max, cost);
  }
  if (max === min) return Math.min(costs.length - 1, Math.floor(random() * costs.length));
  const weights = Array.from(costs, (cost) => Math.exp(-(cost - min) / ((max - min) * temperature)));
  let draw = random() * weights.reduce((sum, weight) => sum + weight, 0);
  for (let worker = 0; worker < weights.length; worker++) {
    draw -= weights[worker];
    if (draw < 0) return worker;
  }
  return weights.length - 1;
}

/**
 * Round-robin and random as Dynamo's push router does them (`lib/runtime/src/pipeline/network/egress/push_router.rs`
 * @ 5a510fec): a counter from 0 over the worker list, or a uniform pick. The list's order comes
 * from a hash map and is arbitrary; the workers being alike, worker i here is simply the i-th.
 */
export function simpleRouter(policy: "round-robin" | "random", workers: number, random: () => number): () => number {
  let next = 0;
  return policy === "round-robin" ? () => next++ % workers : () => Math.min(workers - 1, Math.floor(random() * workers));
}
