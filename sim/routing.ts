import type { PrefixCache } from "./prefixCache";

export const POLICIES = ["round-robin", "random", "kv"] as const;
export type Policy = (typeof POLICIES)[number];

export interface RoutingState {
  caches: PrefixCache[];
  activeBlocks: Float64Array;
}

export type Router = (ids: readonly number[], state: RoutingState) => number;

/** A deterministic pseudo-random sequence in [0, 1), so that every run routes alike. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Dynamo's KV router: cost = overlap weight × blocks the worker would have to prefill + blocks
 * active on it. The lowest cost wins; a tie goes to the lowest worker index.
 */
function kvRouter(overlapWeight: number): Router {
  return (ids, { caches, activeBlocks }) => {
    let best = 0;
    let bestCost = Infinity;
    for (let worker = 0; worker < caches.length; worker++) {
      const toPrefill = ids.length - caches[worker].matchPrefix(ids);
      const cost = overlapWeight * toPrefill + activeBlocks[worker];
      if (cost < bestCost) {
        bestCost = cost;
        best = worker;
      }
    }
    return best;
  };
}

export function router(policy: Policy, workers: number, options: { overlapWeight: number; seed: number }): Router {
  switch (policy) {
    case "round-robin": {
      let next = 0;
      return () => next++ % workers;
    }
    case "random": {
      const random = seeded(options.seed);
      return () => Math.floor(random() * workers);
    }
    case "kv":
      return kvRouter(options.overlapWeight);
  }
}
