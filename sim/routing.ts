import type { PromptBlocks } from "./promptBlocks";
import type { RoutingPolicy } from "../domain/variants";

/** What the router knows of a worker's cache from its KV events: how much of a prompt it holds, in engine blocks. */
export interface CachedPrefix {
  matchPrefix(prompt: PromptBlocks): number;
}

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
  blocks: PromptBlocks;
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
  /**
   * Counts the cached prefix, and shares blocks between requests. Off for decode workers: Dynamo
   * hashes their requests at random, so none shares a block and their active blocks add up.
   */
  useOverlap: boolean;
  /** Counts outstanding prefill tokens. Off for decode workers, which prefill nothing: their cost is their active blocks. */
  trackPrefillTokens: boolean;
}

/** One booking on a worker, released in two steps: prefill tokens at the first token, blocks at the end. */
export interface Booking {
  worker: number;
  prefillTokens: number;
  blocks: PromptBlocks | undefined;
}

/**
 * Dynamo's KV router, 1.3 (ai-dynamo/dynamo @ 4cba833f, the 1.3 release branch point):
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
  /** Distinct engine blocks active on each worker. */
  private readonly activeBlocks: Float64Array;
  /** Per worker, the trace blocks in flight: how many requests hold each, and its engine blocks. */
  private readonly active: Map<number, { requests: number; fill: number }>[];

  constructor(
    private readonly caches: readonly CachedPrefix[],
    private readonly settings: KvRouterSettings,
    private readonly random: () => number,
  ) {
    this.outstandingPrefill = new Float64Array(caches.length);
    this.activeBlocks = new Float64Array(caches.length);
    this.active = caches.map(() => new Map());
  }

  /** The cost of each worker for the request, lower is better. */
  costs(request: RoutedRequest): Float64Array {
    const { blockSize, overlapWeight, trackActiveBlocks, useOverlap, trackPrefillTokens } = this.settings;
    const { ids, fills, total } = request.blocks;
    const costs = new Float64Array(this.caches.length);
    for (let worker = 0; worker < costs.length; worker++) {
      let cost = 0;
      if (trackPrefillTokens) {
        const cached = useOverlap ? this.caches[worker].matchPrefix(request.blocks) : 0;
        const prefillBlocks = (this.outstandingPrefill[worker] + request.inputTokens) / blockSize;
        cost = overlapWeight * Math.max(0, prefillBlocks - cached);
      }
      if (trackActiveBlocks) {
        let alreadyActive = 0;
        if (useOverlap) {
          const active = this.active[worker];
          for (let i = 0; i < ids.length && active.has(ids[i]); i++) alreadyActive += fills[i];
        }
        cost += this.activeBlocks[worker] + total - alreadyActive;
      }
      costs[worker] = cost;
    }
    return costs;
  }

  route(request: RoutedRequest): Booking {
    const { blockSize, temperature, trackActiveBlocks, useOverlap, trackPrefillTokens } = this.settings;
    const costs = this.costs(request);
    const worker = temperature > 0 ? softmaxPick(costs, temperature, this.random) : lowest(costs, this.random);
    const cached = useOverlap ? this.caches[worker].matchPrefix(request.blocks) : 0;
    const prefillTokens = trackPrefillTokens ? Math.max(0, request.inputTokens - cached * blockSize) : 0;
    this.outstandingPrefill[worker] += prefillTokens;
    if (!trackActiveBlocks) return { worker, prefillTokens, blocks: undefined };
    if (!useOverlap) {
      this.activeBlocks[worker] += request.blocks.total;
      return { worker, prefillTokens, blocks: request.blocks };
    }
    const active = this.active[worker];
    request.blocks.ids.forEach((id, i) => {
      const entry = active.get(id);
      if (entry) entry.requests++;
      else {
        active.set(id, { requests: 1, fill: request.blocks.fills[i] });
        this.activeBlocks[worker] += request.blocks.fills[i];
      }
    });
    return { worker, prefillTokens, blocks: request.blocks };
  }

  prefillDone(booking: Booking): void {
    this.outstandingPrefill[booking.worker] -= booking.prefillTokens;
    booking.prefillTokens = 0;
  }

  free(booking: Booking): void {
    this.prefillDone(booking);
    const blocks = booking.blocks;
    booking.blocks = undefined;
    if (!blocks) return;
    if (!this.settings.useOverlap) {
      this.activeBlocks[booking.worker] -= blocks.total;
      return;
    }
    const active = this.active[booking.worker];
    for (const id of blocks.ids) {
      const entry = active.get(id)!;
      if (--entry.requests > 0) continue;
      active.delete(id);
      this.activeBlocks[booking.worker] -= entry.fill;
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
 * @ 4cba833f): a counter from 0 over the worker list, or a uniform pick. The list's order comes
 * from a hash map and is arbitrary; the workers being alike, worker i here is simply the i-th.
 */
export function simpleRouter(policy: "round-robin" | "random", workers: number, random: () => number): () => number {
  let next = 0;
  return policy === "round-robin" ? () => next++ % workers : () => Math.min(workers - 1, Math.floor(random() * workers));
}

/** The routed workers' router: Dynamo's KV router, or its round-robin or random push router. */
export interface PoolRouter {
  route(request: RoutedRequest): Booking;
  prefillDone(booking: Booking): void;
  free(booking: Booking): void;
}

export function poolRouter(
  policy: RoutingPolicy,
  caches: readonly CachedPrefix[],
  settings: KvRouterSettings,
  random: () => number,
): PoolRouter {
  if (policy === "kv") {
    const router = new KvRouter(caches, settings, random);
    return {
      route: (request) => router.route(request),
      prefillDone: (booking) => router.prefillDone(booking),
      free: (booking) => router.free(booking),
    };
  }
  const next = simpleRouter(policy, caches.length, random);
  return { route: () => ({ worker: next(), prefillTokens: 0, blocks: undefined }), prefillDone: () => {}, free: () => {} };
}
