import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSampleRuns, SAMPLE_MARKER } from "../../scripts/generate-sample-runs";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { AGGREGATE_FILE, RECORDS_FILE } from "../../analysis/summary/aiperfFiles";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { parseGoodput } from "../../domain/slos";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { runCli, STACK_TRACE } from "../support/cli";
import { TRACE_SLICE } from "../../domain/pins";

const EXAMPLES = join(PROJECT_ROOT, "examples");
const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-samples-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("the sample runs in examples/", () => {
  test("are exactly what the generator writes, byte for byte", () => {
    const files = generateSampleRuns(scratch);
    assert.deepEqual(
      files.sort(),
      [
        join("agg-sample", RECORDS_FILE),
        join("agg-sample", AGGREGATE_FILE),
        join("disagg-sample", RECORDS_FILE),
        join("disagg-sample", AGGREGATE_FILE),
      ].sort(),
    );
    for (const file of files) {
      assert.ok(
        readFileSync(join(scratch, file)).equals(readFileSync(join(EXAMPLES, file))),
        `${file} is stale: run npm run ts -- scripts/generate-sample-runs.ts`,
      );
    }
  });

  test("are small, and say they are synthetic", () => {
    for (const run of ["agg-sample", "disagg-sample"]) {
      const bytes = statSync(join(EXAMPLES, run, RECORDS_FILE)).size + statSync(join(EXAMPLES, run, AGGREGATE_FILE)).size;
      assert.ok(bytes < 300 * 1024, `${run} has ${bytes} bytes`);
      assert.equal(JSON.parse(readFileSync(join(EXAMPLES, run, AGGREGATE_FILE), "utf8")).dynamo_bench_sample, SAMPLE_MARKER);
    }
    assert.match(readFileSync(join(EXAMPLES, "README.md"), "utf8"), /synthetic, not measurements/);
  });

  test("have aggregates that agree with their records", async () => {
    const slos = parseGoodput(RECIPE_GOODPUT);
    for (const run of ["agg-sample", "disagg-sample"]) {
      const recordsOnly = mkdtempSync(join(scratch, `${run}-records-`));
      copyFileSync(join(EXAMPLES, run, RECORDS_FILE), join(recordsOnly, RECORDS_FILE));
      const both = await summarizeRun(join(EXAMPLES, run), slos);
      const fromRecords = await summarizeRun(recordsOnly, slos);
      assert.equal(both.provenance.metricsFrom, "aiperf's aggregate");
      assert.equal(fromRecords.provenance.metricsFrom, "the per-request records");
      // The aggregate alone says the run is synthetic: the records are aiperf's, which has no such field.
      const { synthetic, ...figures } = both.summary;
      assert.equal(synthetic, SAMPLE_MARKER);
      assert.deepEqual(figures, fromRecords.summary);
    }
  });

  test("replay the shipped slice of the trace: its requests, at its offsets, with its input and output lengths", () => {
    const trace = readFileSync(join(PROJECT_ROOT, TRACE_SLICE.file), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { timestamp: number; input_length: number; output_length: number });
    for (const run of ["agg-sample", "disagg-sample"]) {
      const records = readFileSync(join(EXAMPLES, run, RECORDS_FILE), "utf8")
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as { metadata: { request_start_ns: number }; metrics: Record<string, { value: number }> });
      assert.equal(records.length, TRACE_SLICE.requests, run);
      const firstNs = records[0].metadata.request_start_ns;
      assert.deepEqual(
        records.map(({ metadata, metrics }) => ({
          // Nanoseconds since the epoch are past 2^53: they hold the offsets to within a microsecond.
          timestamp: Math.round((metadata.request_start_ns - firstNs) / 1e6),
          input_length: metrics.input_sequence_length.value,
          output_length: metrics.output_sequence_length.value,
        })),
        trace.map(({ timestamp, input_length, output_length }) => ({ timestamp, input_length, output_length })),
        run,
      );
      // aiperf has no inter-token latency for a request of one output token.
      assert.ok(
        records.every(
          (record) => (record.metrics.inter_token_latency === undefined) === (record.metrics.output_sequence_length.value === 1),
        ),
      );
    }
  });

  test("calibrate with the slice, offline, and simulate with what they fitted", async () => {
    const calibration = join(scratch, "calibration.json");
    const fitted = await runCli(["calibrate", "examples/agg-sample", "-s", "agg", "--trace", TRACE_SLICE.file, "--out", calibration]);
    assert.equal(fitted.status, 0, fitted.stderr);
    assert.match(fitted.stdout, /^fitted 300 TTFTs and 298 ITLs of agg \(round-robin routing\)/m);
    const simulated = await runCli(["simulate", "--trace", TRACE_SLICE.file, "-s", "agg", "--calibration", calibration]);
    assert.equal(simulated.status, 0, simulated.stderr);
    assert.match(simulated.stdout, /^engine timings: calibrated from examples\/agg-sample \(agg\)/m);
    assert.doesNotMatch(simulated.stderr, STACK_TRACE);
  });

  test("`summarize examples/agg-sample` prints the run's summary", async () => {
    const result = await runCli(["summarize", "examples/agg-sample"]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    assert.match(result.stdout, /^Requests: 300 total, 300 succeeded, 0 failed$/m);
    assert.match(result.stdout, /^Time to first token +ms /m);
    assert.match(result.stdout, /^Goodput: \d+ of 300 requests/m);
  });

  test("`compare examples/agg-sample examples/disagg-sample` shows disagg with lower TTFT and ITL", async () => {
    const table = await runCli(["compare", "examples/agg-sample", "examples/disagg-sample"]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^Time to first token p50 \(ms\) /m);

    const json = await runCli(["compare", "examples/agg-sample", "examples/disagg-sample", "--json"]);
    assert.equal(json.status, 0, json.stderr);
    const rows = (JSON.parse(json.stdout) as { rows: { metric: string; statistic: string; baseline: number; candidate: number }[] }).rows;
    const row = (metric: string, statistic: string) => rows.find((r) => r.metric === metric && r.statistic === statistic)!;
    for (const metric of ["time_to_first_token", "inter_token_latency"]) {
      const p50 = row(metric, "p50");
      assert.ok(p50.candidate < p50.baseline, `${metric} p50: disagg ${p50.candidate}, agg ${p50.baseline}`);
    }
    assert.ok(row("goodput", "fraction").candidate > row("goodput", "fraction").baseline);
  });
});
