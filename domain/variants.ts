/** The recipe's two deployments: aggregated workers, and prefill apart from decode. */
export const VARIANTS = ["agg", "disagg"] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * How the frontend picks a worker: Dynamo's --router-mode values that the recipe and `simulate` use.
 * The stack's routerMode and `simulate --policy` take the same names.
 */
export const ROUTING_POLICIES = ["round-robin", "random", "kv"] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];
