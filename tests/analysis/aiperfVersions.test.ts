/**
 * The artifact files of each aiperf this stack may run, in each one's own shape, read by the same
 * summary. Shapes from aiperf's source: 0.10.0 at ai-dynamo/aiperf f9f5a441 (main while it was
 * 0.10.0, the commit release/0.10.0 was cut from; its later cherry-picks touch no export), and
 * 0.13 at c2f5e9d4 (main a week into 0.13's development, 27 commits before the bump to 0.13.0,
 * none of which changes the record or aggregate models) with the v0.13.0 documentation's
 * export schema 1.4. 0.14.0's source could not be read here.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeRun } from "../../analysis/summary/runSummary";
import type { RunSummary } from "../../analysis/summary/resultsSchema";
import { parseGoodput } from "../../domain/slos";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { AGGREGATE_FILE, RECORDS_FILE } from "../../analysis/summary/aiperfFiles";
import { configWarnings } from "../../stack/config/schema";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { FIVE_REQUESTS, type RequestSpec } from "../support/aiperfArtifacts";

const SLOS = parseGoodput(RECIPE_GOODPUT);
const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-aiperf-versions-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const MS = 1_000_000;
const EPOCH_NS = 1_767_225_600_000_000_000;

interface Shape {
  version: string;
  schemaVersion: string;
  /** Metadata keys a version writes beside the ones every version has. */
  extraMetadata: Record<string, unknown>;
  /** Aggregate blocks a version adds (0.12+: credit_to_start_latency, effective_latency; adj_* when a request failed). */
  extraBlocks: (hasErrors: boolean) => Record<string, unknown>;
}

const block = (unit: string, avg: number) => ({
  unit,
  avg,
  p1: avg,
  p5: avg,
  p10: avg,
  p25: avg,
  p50: avg,
  p75: avg,
  p90: avg,
  p95: avg,
  p99: avg,
  min: avg,
  max: avg,
  std: 0,
  count: 5,
  sum: avg * 5,
});

const SHAPES: Shape[] = [
  { version: "0.10.0", schemaVersion: "1.3", extraMetadata: {}, extraBlocks: () => ({}) },
  {
    version: "0.13.0",
    schemaVersion: "1.4",
    extraMetadata: { context_overflow_skip: false },
    extraBlocks: (hasErrors) => ({
      credit_to_start_latency: block("ms", 0.4),
      effective_latency: block("ms", 3_900),
      ...(hasErrors && { adj_time_to_first_token: { ...block("ms", 500), max: null }, adj_request_latency: block("ms", 4_000) }),
    }),
  },
];

/** One record line as that version's `MetricRecordInfo` dumps it (exclude_none; `credit_num` written as session_num). */
function recordLine(shape: Shape, spec: RequestSpec, index: number): string {
  const metadata = {
    session_num: index,
    x_request_id: `00000000-0000-4000-a000-${String(index).padStart(12, "0")}`,
    x_correlation_id: `11111111-0000-4000-a000-${String(index).padStart(12, "0")}`,
    conversation_id: `22222222-0000-4000-a000-${String(index).padStart(12, "0")}`,
    turn_index: 0,
    credit_issued_ns: EPOCH_NS + spec.startMs * MS - 2 * MS,
    request_start_ns: EPOCH_NS + spec.startMs * MS,
    request_ack_ns: EPOCH_NS + (spec.startMs + 2) * MS,
    request_end_ns: EPOCH_NS + spec.endMs * MS,
    worker_id: "worker_359d423a",
    record_processor_id: "record_processor_1fa47cd7",
    benchmark_phase: "profiling",
    was_cancelled: false,
    ...shape.extraMetadata,
    agent_depth: 0,
  };
  if (spec.error) {
    return JSON.stringify({
      metadata,
      metrics: { error_isl: { value: spec.isl, unit: "tokens" } },
      error: { code: 500, type: "ServerError", message: "upstream failed" },
    });
  }
  const good = spec.ttft! <= SLOS.time_to_first_token && spec.itl! <= SLOS.inter_token_latency ? 1 : 0;
  return JSON.stringify({
    metadata,
    metrics: {
      input_sequence_length: { value: spec.isl, unit: "tokens" },
      time_to_first_token: { value: spec.ttft, unit: "ms" },
      request_latency: { value: spec.latency, unit: "ms" },
      // A NaN inside a list is written as null (scrub_non_finite).
      inter_chunk_latency: { value: [spec.itl, null, spec.itl], unit: "ms" },
      output_sequence_length: { value: spec.osl, unit: "tokens" },
      inter_token_latency: { value: spec.itl, unit: "ms" },
      good_request_count: { value: good, unit: "requests" },
    },
  });
}

/** The aggregate as that version's `JsonExportData` dumps it: its run information, then every metric block at the top level. */
function aggregate(shape: Shape, metrics: RunSummary["metrics"], requests: RunSummary["requests"], good: number) {
  const blocks = Object.fromEntries(
    Object.entries(metrics).map(([name, stats]) => [name, { ...stats!, count: requests.succeeded, sum: stats!.avg! * requests.succeeded }]),
  );
  return {
    schema_version: shape.schemaVersion,
    aiperf_version: shape.version,
    benchmark_id: "5d1f0e3a-8c2b-4a7e-9f10-2b3c4d5e6f70",
    request_throughput: { unit: "requests/sec", avg: 0.5 },
    ...blocks,
    request_count: { unit: "requests", avg: requests.succeeded },
    error_request_count: { unit: "requests", avg: requests.failed },
    good_request_count: { unit: "requests", avg: good },
    goodput: { unit: "requests/sec", avg: good / 10 },
    good_request_fraction: { unit: "ratio", avg: good / requests.total },
    benchmark_duration: { unit: "sec", avg: 10 },
    ...shape.extraBlocks(requests.failed > 0),
    input_config: {
      models: ["Qwen/Qwen3-32B"],
      endpoint: { urls: ["http://agg-8xtp2-frontend.dynamo-bench.svc:8000"], streaming: true },
      slos: { time_to_first_token: 2000.0, inter_token_latency: 25.0 },
    },
    run_info: { benchmark_id: "5d1f0e3a-8c2b-4a7e-9f10-2b3c4d5e6f70", trial: 0, variation_label: "base", cli_command: "aiperf profile" },
    was_cancelled: false,
    error_summary: [{ error_details: { code: 500, type: "ServerError", message: "upstream failed" }, count: 1 }],
    // Naive local times, as datetime.fromtimestamp writes them.
    start_time: "2026-01-01T00:00:00.123456",
    end_time: "2026-01-01T00:00:10.654321",
  };
}

function runDir(name: string, records?: string, aggregateJson?: unknown): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  if (records !== undefined) writeFileSync(join(dir, RECORDS_FILE), records);
  if (aggregateJson !== undefined) writeFileSync(join(dir, AGGREGATE_FILE), JSON.stringify(aggregateJson, null, 2));
  return dir;
}

describe("each aiperf's artifact files, in its own shape, give the same summary", () => {
  const summaries: RunSummary[] = [];
  for (const shape of SHAPES) {
    test(`aiperf ${shape.version}: records alone, and records with the aggregate`, async () => {
      const records = FIVE_REQUESTS.map((spec, i) => recordLine(shape, spec, i)).join("\n") + "\n";
      const fromRecords = await summarizeRun(runDir(`records-${shape.version}`, records), SLOS);
      assert.equal(fromRecords.provenance.metricsFrom, "the per-request records");
      assert.deepEqual(fromRecords.summary.requests.total, 6);
      assert.deepEqual(fromRecords.summary.goodput.goodRequests, 2, "ITL 10 and 20 ms meet the recipe's 25 ms");
      const aggregateJson = aggregate(shape, fromRecords.summary.metrics, fromRecords.summary.requests, 2);
      const both = await summarizeRun(runDir(`both-${shape.version}`, records, aggregateJson), SLOS);
      assert.equal(both.provenance.metricsFrom, "aiperf's aggregate");
      assert.deepEqual(both.summary, fromRecords.summary);
      const aggregateOnly = await summarizeRun(runDir(`aggregate-${shape.version}`, undefined, aggregateJson), SLOS);
      assert.deepEqual(aggregateOnly.summary.metrics, fromRecords.summary.metrics);
      assert.deepEqual(aggregateOnly.summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
      assert.equal(aggregateOnly.summary.durationSeconds, 10, "benchmark_duration in seconds");
      summaries.push(fromRecords.summary);
    });
  }

  test("and the versions agree with each other", () => {
    assert.equal(summaries.length, SHAPES.length);
    for (const summary of summaries.slice(1)) assert.deepEqual(summary, summaries[0]);
  });
});

describe("benchmark.aiperfVersion", () => {
  test("the pin is 0.13.0; a version whose files were read raises no warning, another one says so", () => {
    assert.equal(parseStackConfig({ variant: "agg" }, "test").benchmark.aiperfVersion, "0.13.0");
    assert.deepEqual(configWarnings(parseStackConfig({ variant: "agg", benchmark: { aiperfVersion: "0.10.0" } }, "test")), []);
    assert.deepEqual(
      configWarnings(parseStackConfig({ variant: "agg", benchmark: { aiperfVersion: "0.13" } }, "test")),
      [],
      "pip's 0.13.0",
    );
    assert.match(
      configWarnings(parseStackConfig({ variant: "agg", benchmark: { aiperfVersion: "0.14.0" } }, "test")).join("\n"),
      /benchmark\.aiperfVersion is 0\.14\.0, whose artifact files were not read from its source here \(read: 0\.10\.0, 0\.13\.0\)/,
    );
    assert.throws(() => parseStackConfig({ variant: "agg", benchmark: { aiperfVersion: ">=0.13" } }, "test"), /benchmark\.aiperfVersion/);
  });
});
