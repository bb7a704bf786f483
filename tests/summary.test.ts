import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { summarizeRun, SummaryError } from "../summary/runSummary";
import { parseGoodput } from "../summary/goodput";
import { RECIPE_GOODPUT } from "../summary/recipeGoodput";
import { describe as describeSample, percentile } from "../summary/statistics";
import { aggregateFile, artifactDir, FIVE_REQUESTS, recordLine } from "./support/aiperfArtifacts";
import { runCli, STACK_TRACE } from "./support/cli";

const SLOS = parseGoodput(RECIPE_GOODPUT);
const lines = (specs = FIVE_REQUESTS) => specs.map(recordLine).join("\n") + "\n";

describe("statistics, as numpy and aiperf compute them", () => {
  test("percentiles interpolate linearly between ranks", () => {
    const sorted = [1, 2, 3, 4];
    assert.equal(percentile(sorted, 25), 1.75);
    assert.equal(percentile(sorted, 50), 2.5);
    assert.ok(Math.abs(percentile(sorted, 90) - 3.7) < 1e-12);
    assert.ok(Math.abs(percentile(sorted, 99) - 3.97) < 1e-12);
    assert.equal(percentile([7], 99), 7);
  });

  test("std is the population standard deviation", () => {
    assert.equal(describeSample([2, 4, 4, 4, 5, 5, 7, 9]).std, 2);
  });
});

describe("a run without aiperf's aggregate (it died) is summarized from the records", () => {
  test("counts, duration and every statistic", async () => {
    const { summary, provenance } = await summarizeRun(artifactDir(lines()), SLOS);
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
    assert.equal(summary.durationSeconds, 10);
    assert.equal(provenance.metricsFrom, "the per-request records");
    const ttft = summary.metrics.time_to_first_token!;
    assert.equal(ttft.unit, "ms");
    assert.deepEqual(
      { avg: ttft.avg, min: ttft.min, max: ttft.max, p25: ttft.p25, p50: ttft.p50, p75: ttft.p75 },
      { avg: 500, min: 100, max: 1_500, p25: 200, p50: 300, p75: 400 },
    );
    for (const [key, expected] of Object.entries({ p1: 104, p5: 120, p10: 140, p90: 1_060, p95: 1_280, p99: 1_456 })) {
      assert.ok(Math.abs((ttft as any)[key] - expected) < 1e-9, `${key}: ${(ttft as any)[key]} ≠ ${expected}`);
    }
    assert.ok(Math.abs(ttft.std! - Math.sqrt(260_000)) < 1e-9);
    assert.equal(summary.metrics.input_sequence_length!.avg, 3_000, "the failed request's error_isl is not an input length");
    assert.equal(summary.metrics.output_sequence_length!.max, 500);
  });

  test("a request is good when it meets every SLO, at the threshold included; failures never are", async () => {
    const { summary } = await summarizeRun(artifactDir(lines()), SLOS);
    assert.deepEqual(summary.goodput, {
      slos: { time_to_first_token: 1000, inter_token_latency: 30 },
      goodRequests: 3,
      fraction: 0.5,
    });
  });

  test("records of other benchmark phases, such as warmup, are left out", async () => {
    const warmup = recordLine({ startMs: -5_000, endMs: -4_000, ttft: 9_999, itl: 1, latency: 1, isl: 1, osl: 1, phase: "warmup" });
    const { summary } = await summarizeRun(artifactDir(`${warmup}\n${lines()}`), SLOS);
    assert.equal(summary.requests.total, 6);
    assert.equal(summary.metrics.time_to_first_token!.max, 1_500);
  });
});

describe("broken and missing input", () => {
  test("a truncated last line is skipped, counted and reported", async () => {
    const truncated = lines() + recordLine(FIVE_REQUESTS[0]).slice(0, 40);
    const { summary, provenance } = await summarizeRun(artifactDir(truncated), SLOS);
    assert.equal(summary.requests.skippedLines, 1);
    assert.equal(summary.requests.total, 6);
    assert.deepEqual(provenance.skippedLineNumbers, [7]);
  });

  test("an invalid line in the middle is skipped, and the rest still counts", async () => {
    const records = [recordLine(FIVE_REQUESTS[0]), '{"metadata": {"request_start_ns": "soon"}}', recordLine(FIVE_REQUESTS[1])].join("\n");
    const { summary } = await summarizeRun(artifactDir(records), SLOS);
    assert.deepEqual(summary.requests, { total: 2, succeeded: 2, failed: 0, skippedLines: 1 });
  });

  test("an empty run is an error, not a row of zeros", async () => {
    await assert.rejects(summarizeRun(artifactDir(""), SLOS), (e: Error) => e instanceof SummaryError && /has no requests/.test(e.message));
  });

  test("a missing directory and a directory without aiperf's files are named", async () => {
    await assert.rejects(summarizeRun("/nonexistent/run", SLOS), /\/nonexistent\/run: no such directory/);
    await assert.rejects(summarizeRun(artifactDir(undefined), SLOS), /neither profile_export\.jsonl nor profile_export_aiperf\.json/);
  });
});

describe("a run with aiperf's aggregate", () => {
  const aggregate = aggregateFile({
    time_to_first_token: { unit: "ms", avg: 512.5, min: 90, max: 1_600, std: 500, p1: 91, p5: 95, p10: 99, p25: 150, p50: 310, p75: 420, p90: 1_100, p95: 1_300, p99: 1_500 },
    inter_token_latency: { unit: "ms", avg: 30, p50: 30, p90: 48, p99: 50 },
    request_latency: { unit: "ms", avg: 3_800, p50: 3_000, p90: 6_000, p99: 7_800 },
    input_sequence_length: { unit: "tokens", avg: 3_000, p50: 3_000, p90: 4_600, p99: 4_960 },
    output_sequence_length: { unit: "tokens", avg: 300, p50: 300, p90: 460, p99: 496 },
    request_count: { unit: "requests", avg: 5 },
    error_request_count: { unit: "requests", avg: 1 },
    good_request_count: { unit: "requests", avg: 3 },
    benchmark_duration: { unit: "sec", avg: 10.2 },
  });

  test("takes the metrics as aiperf computed them, and the counts from the records", async () => {
    const { summary, provenance } = await summarizeRun(artifactDir(lines(), aggregate), SLOS);
    assert.equal(provenance.metricsFrom, "aiperf's aggregate");
    assert.equal(summary.metrics.time_to_first_token!.p50, 310);
    assert.equal(summary.metrics.inter_token_latency!.min, null, "a statistic aiperf left out stays absent");
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
    assert.equal(summary.durationSeconds, 10);
  });

  test("with no records at all, counts, duration and goodput come from the aggregate", async () => {
    const { summary } = await summarizeRun(artifactDir(undefined, aggregate), SLOS);
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
    assert.equal(summary.durationSeconds, 10.2);
    assert.equal(summary.goodput.goodRequests, 3);
  });

  test("a corrupt aggregate is named", async () => {
    const dir = artifactDir(lines());
    writeFileSync(join(dir, "profile_export_aiperf.json"), "{ not json");
    await assert.rejects(summarizeRun(dir, SLOS), /profile_export_aiperf\.json is not aiperf's aggregate JSON/);
  });

  test("an aggregate of the wrong shape says which field and what was expected", () => {
    const dir = artifactDir(lines());
    writeFileSync(join(dir, "profile_export_aiperf.json"), '{"aiperf_version": 13}');
    const result = runCli(["summarize", dir]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is not aiperf's aggregate JSON: aiperf_version: Invalid input: expected string, received number\n$/);
  });
});

describe("summarize, as users run it", () => {
  test("--json prints exactly the documented shape", () => {
    const result = runCli(["summarize", artifactDir(lines()), "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(summary), ["requests", "durationSeconds", "metrics", "goodput"]);
    assert.deepEqual(Object.keys(summary.requests), ["total", "succeeded", "failed", "skippedLines"]);
    assert.deepEqual(Object.keys(summary.metrics), [
      "time_to_first_token", "inter_token_latency", "request_latency", "input_sequence_length", "output_sequence_length",
    ]);
    for (const metric of Object.values(summary.metrics)) {
      assert.deepEqual(Object.keys(metric as object), ["unit", "avg", "min", "max", "std", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"]);
    }
    assert.deepEqual(Object.keys(summary.goodput), ["slos", "goodRequests", "fraction"]);
  });

  test("the table shows counts, duration, avg/p50/p90/p99 per metric, goodput and skipped lines", () => {
    const result = runCli(["summarize", artifactDir(lines() + "{truncat")]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Requests: 6 total, 5 succeeded, 1 failed/);
    assert.match(result.stdout, /Duration: 10\.00 s/);
    assert.match(result.stdout, /Skipped 1 truncated or invalid line\(s\) of profile_export\.jsonl: 7/);
    assert.match(result.stdout, /Time to first token\s+ms\s+500\.00\s+300\.00\s+1,060\.00\s+1,456\.00/);
    assert.match(result.stdout, /Goodput: 3 of 6 requests \(50\.00%\) meet time_to_first_token ≤ 1000 and inter_token_latency ≤ 30/);
  });

  test("--goodput sets other SLOs", () => {
    const result = runCli(["summarize", artifactDir(lines()), "--json", "--goodput", "time_to_first_token:250"]);
    assert.equal(JSON.parse(result.stdout).goodput.goodRequests, 2);
  });

  test("--write saves summary.json and summary.md next to the artifacts", () => {
    const dir = artifactDir(lines());
    const result = runCli(["summarize", dir, "--write", "--json"]);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")), JSON.parse(result.stdout));
    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /^## aiperf run .*\n[\s\S]*\| Time to first token \| ms \| 500\.00 \|/);
  });

  test("mistakes exit 1 with one message and no stack trace", () => {
    for (const args of [["summarize", "/nonexistent/run"], ["summarize", artifactDir(""), "--goodput", "ttft<1000"]]) {
      const result = runCli(args);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^error: /);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });
});
