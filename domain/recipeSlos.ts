/**
 * The recipe's SLOs, in aiperf's --goodput syntax: TTFT ≤ 2 s and ITL ≤ 25 ms, as its perf.yaml runs
 * aiperf (recipes/qwen3-32b/vllm/agg-round-robin/perf.yaml and disagg-kv-router/perf.yaml, in
 * ai-dynamo/dynamo @ e82096cfda62fdadb270766f50bc5217a95e56da, and the same since the recipe was
 * added in b823575e606f31b98b0f51fcb33e757cd60947c4). Kept apart so the CLI can show it without loading zod.
 */
export const RECIPE_GOODPUT = "time_to_first_token:2000 inter_token_latency:25";
