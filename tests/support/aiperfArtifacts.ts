import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RequestSpec {
  startMs: number;
  endMs: number;
  ttft?: number;
  itl?: number;
  latency?: number;
  isl?: number;
  osl?: number;
  error?: boolean;
  phase?: string;
  /** Default: one of its own, derived from the rest of the spec. */
  requestId?: string;
}

const MS = 1_000_000;
const EPOCH_NS = 1_759_813_207_000_000_000;

/** A uuid-shaped id that is the same for the same spec, and differs between specs. */
function requestIdOf(spec: RequestSpec): string {
  const hex = createHash("sha256").update(JSON.stringify(spec)).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * One line of profile_export.jsonl, as aiperf writes it (ai-dynamo/aiperf @ c2f5e9d4, main a week into 0.13's development:
 * record_models.py `MetricRecordInfo`, dumped with exclude_none): fields that are None are left out,
 * `error` too on success; an error record carries only error metrics.
 */
export function recordLine(spec: RequestSpec): string {
  const metadata = {
    session_num: Math.round(spec.startMs),
    x_request_id: spec.requestId ?? requestIdOf(spec),
    x_correlation_id: "77aa5b0e-b305-423f-88d5-c00da1892599",
    conversation_id: "77aa5b0e-b305-423f-88d5-c00da1892599",
    turn_index: 0,
    request_start_ns: EPOCH_NS + spec.startMs * MS,
    request_ack_ns: EPOCH_NS + (spec.startMs + 1) * MS,
    request_end_ns: EPOCH_NS + spec.endMs * MS,
    worker_id: "worker_1",
    record_processor_id: "record_processor_1",
    benchmark_phase: spec.phase ?? "profiling",
    was_cancelled: false,
    context_overflow_skip: false,
    agent_depth: 0,
  };
  if (spec.error) {
    return JSON.stringify({
      metadata,
      metrics: { error_isl: { value: spec.isl ?? 0, unit: "tokens" } },
      error: { code: 500, type: "ServerError", message: "upstream failed" },
    });
  }
  const metric = (value: number | undefined, unit: string) => (value === undefined ? undefined : { value, unit });
  return JSON.stringify({
    metadata,
    metrics: {
      input_sequence_length: metric(spec.isl, "tokens"),
      time_to_first_token: metric(spec.ttft, "ms"),
      request_latency: metric(spec.latency, "ms"),
      inter_chunk_latency: { value: [spec.itl ?? 1, spec.itl ?? 1], unit: "ms" },
      output_sequence_length: metric(spec.osl, "tokens"),
      inter_token_latency: metric(spec.itl, "ms"),
    },
  });
}

/** An artifact directory holding the given profile_export.jsonl text and, optionally, an aggregate. */
export function artifactDir(records: string | undefined, aggregate?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-aiperf-"));
  if (records !== undefined) writeFileSync(join(dir, "profile_export.jsonl"), records);
  if (aggregate !== undefined) writeFileSync(join(dir, "profile_export_aiperf.json"), JSON.stringify(aggregate, null, 2));
  return dir;
}

/** Five good-to-bad requests and one failure, whose figures are worked out by hand in the tests. */
export const FIVE_REQUESTS: RequestSpec[] = [
  { startMs: 0, endMs: 2_000, ttft: 100, itl: 10, latency: 2_000, isl: 1_000, osl: 100 },
  { startMs: 500, endMs: 3_000, ttft: 200, itl: 20, latency: 2_500, isl: 2_000, osl: 200 },
  { startMs: 1_000, endMs: 4_000, ttft: 300, itl: 30, latency: 3_000, isl: 3_000, osl: 300 },
  { startMs: 1_500, endMs: 5_000, ttft: 400, itl: 40, latency: 3_500, isl: 4_000, osl: 400 },
  { startMs: 2_000, endMs: 10_000, ttft: 1_500, itl: 50, latency: 8_000, isl: 5_000, osl: 500 },
  { startMs: 2_500, endMs: 2_600, error: true, isl: 6_000 },
];

/**
 * An aggregate in the layout aiperf writes (metrics_json_exporter.py, export_models.py `JsonExportData`,
 * schema 1.4): run information, `cli_command` under `run_info`, and every metric tag at the top level,
 * each a block of `unit` and the statistics it has (a scalar metric has `avg` alone).
 */
export function aggregateFile(metrics: Record<string, Record<string, number | string>>) {
  return {
    schema_version: "1.4",
    aiperf_version: "0.13.0",
    benchmark_id: "3f1c2b7e-0d7a-4d9c-9a59-7c1e2b9f0a11",
    input_config: { endpoint: { model_names: ["Qwen/Qwen3-32B"], streaming: true } },
    run_info: { cli_command: "aiperf profile -m Qwen/Qwen3-32B --fixed-schedule --streaming" },
    was_cancelled: false,
    error_summary: [],
    start_time: "2026-11-24T10:00:00",
    end_time: "2026-11-24T10:59:00",
    ...metrics,
  };
}
