/**
 * The recipe's SLOs, in aiperf's --goodput syntax: TTFT ≤ 1 s and ITL ≤ 30 ms. Kept apart so the CLI
 * can show it without loading zod.
 */
export const RECIPE_GOODPUT = "time_to_first_token:1000 inter_token_latency:30";
