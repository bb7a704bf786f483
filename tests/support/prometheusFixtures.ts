/**
 * Scrapes in Prometheus' text format, as each component writes them, with the names and labels of
 * the source (cited in analysis/summary/serverMetrics.ts): prometheus_client's layout for vLLM's
 * series (a HELP and TYPE line per family, counters with `_total` and `_created`), and the Rust
 * prometheus crate's for the frontend's.
 */
export interface WorkerFigures {
  queries?: number;
  hits?: number;
  succeeded?: { stop: number; length: number };
  kvUsage: number;
  waiting: number;
  running: number;
  preemptions: number;
}

/** The labels Dynamo's vLLM worker adds to vLLM's series (components/src/dynamo/common/utils/prometheus.py:128-169). */
const DYNAMO_LABELS = 'dynamo_component="backend",dynamo_endpoint="generate",dynamo_namespace="dynamo",model="Qwen/Qwen3-32B"';
const VLLM_LABELS = `engine="0",model_name="Qwen/Qwen3-32B",${DYNAMO_LABELS}`;

export function vllmWorkerPage(figures: WorkerFigures): string {
  const lines = [
    "# HELP vllm:num_requests_running Number of requests in model execution batches.",
    "# TYPE vllm:num_requests_running gauge",
    `vllm:num_requests_running{${VLLM_LABELS}} ${figures.running.toFixed(1)}`,
    "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
    "# TYPE vllm:num_requests_waiting gauge",
    `vllm:num_requests_waiting{${VLLM_LABELS}} ${figures.waiting.toFixed(1)}`,
    "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.",
    "# TYPE vllm:kv_cache_usage_perc gauge",
    `vllm:kv_cache_usage_perc{${VLLM_LABELS}} ${figures.kvUsage}`,
    "# HELP vllm:num_preemptions_total Cumulative number of preemption from the engine.",
    "# TYPE vllm:num_preemptions_total counter",
    `vllm:num_preemptions_total{${VLLM_LABELS}} ${figures.preemptions.toFixed(1)}`,
    `vllm:num_preemptions_created{${VLLM_LABELS}} 1.7649e+09`,
  ];
  if (figures.queries !== undefined && figures.hits !== undefined) {
    lines.push(
      "# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.",
      "# TYPE vllm:prefix_cache_queries_total counter",
      `vllm:prefix_cache_queries_total{${VLLM_LABELS}} ${figures.queries.toFixed(1)}`,
      "# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.",
      "# TYPE vllm:prefix_cache_hits_total counter",
      `vllm:prefix_cache_hits_total{${VLLM_LABELS}} ${figures.hits.toFixed(1)}`,
    );
  }
  if (figures.succeeded) {
    lines.push(
      "# HELP vllm:request_success_total Count of successfully processed requests.",
      "# TYPE vllm:request_success_total counter",
      `vllm:request_success_total{${VLLM_LABELS},finished_reason="stop"} ${figures.succeeded.stop.toFixed(1)}`,
      `vllm:request_success_total{${VLLM_LABELS},finished_reason="length"} ${figures.succeeded.length.toFixed(1)}`,
      `vllm:request_success_total{${VLLM_LABELS},finished_reason="abort"} 0.0`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Dynamo's mocker: vLLM's gauges under both KV names and preemptions, no prefix-cache or request counters (mocker/metrics.rs). */
export function mockerWorkerPage(kvUsage: number): string {
  const labels = 'engine="0",model_name="Qwen/Qwen3-32B"';
  return [
    "# HELP vllm:num_requests_running Number of requests in model execution batches",
    "# TYPE vllm:num_requests_running gauge",
    `vllm:num_requests_running{${labels}} 3`,
    "# HELP vllm:num_requests_waiting Number of requests waiting to be processed",
    "# TYPE vllm:num_requests_waiting gauge",
    `vllm:num_requests_waiting{${labels}} 0`,
    "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage",
    "# TYPE vllm:gpu_cache_usage_perc gauge",
    `vllm:gpu_cache_usage_perc{${labels}} ${kvUsage}`,
    "# HELP vllm:num_preemptions_total Cumulative number of preemptions",
    "# TYPE vllm:num_preemptions_total counter",
    `vllm:num_preemptions_total{${labels}} 0`,
    "",
  ].join("\n");
}

export interface FrontendFigures {
  succeeded: number;
  failed: number;
  ttftSumSeconds: number;
  ttftCount: number;
}

export function frontendPage(figures: FrontendFigures): string {
  const requests = (status: string, count: number, errorType: string) =>
    `dynamo_frontend_requests_total{endpoint="chat_completions",error_type="${errorType}",model="Qwen/Qwen3-32B",` +
    `request_type="stream",status="${status}"} ${count}`;
  return [
    "# HELP dynamo_frontend_requests_total Total number of LLM requests processed",
    "# TYPE dynamo_frontend_requests_total counter",
    requests("error", figures.failed, "internal"),
    requests("success", figures.succeeded, ""),
    "# HELP dynamo_frontend_time_to_first_token_seconds Time to first token in seconds",
    "# TYPE dynamo_frontend_time_to_first_token_seconds histogram",
    `dynamo_frontend_time_to_first_token_seconds_bucket{model="Qwen/Qwen3-32B",le="0.5"} ${Math.floor(figures.ttftCount / 2)}`,
    `dynamo_frontend_time_to_first_token_seconds_bucket{model="Qwen/Qwen3-32B",le="+Inf"} ${figures.ttftCount}`,
    `dynamo_frontend_time_to_first_token_seconds_sum{model="Qwen/Qwen3-32B"} ${figures.ttftSumSeconds}`,
    `dynamo_frontend_time_to_first_token_seconds_count{model="Qwen/Qwen3-32B"} ${figures.ttftCount}`,
    "",
  ].join("\n");
}
