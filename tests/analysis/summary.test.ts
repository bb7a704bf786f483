import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_IMPLAUSIBLE_RECORDS, summarizeRun, SummaryError } from "../../analysis/summary/runSummary";
import { parseGoodput } from "../../domain/slos";
import { describe as describeSample, percentile } from "../../analysis/summary/statistics";
import { aggregateFile, artifactDir, FIVE_REQUESTS, recordLine, type RequestSpec } from "../support/aiperfArtifacts";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { runCli, STACK_TRACE } from "../support/cli";
import { symlinkLoop } from "../support/symlinkLoop";

/** SLOs that the five requests straddle, one ITL exactly on its threshold; the CLI's default is the recipe's. */
const SLOS = parseGoodput("time_to_first_token:1000 inter_token_latency:30");
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
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0, implausible: NO_IMPLAUSIBLE_RECORDS });
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
    assert.deepEqual(summary.requests, { total: 2, succeeded: 2, failed: 0, skippedLines: 1, implausible: NO_IMPLAUSIBLE_RECORDS });
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
    time_to_first_token: {
      unit: "ms",
      avg: 512.5,
      min: 90,
      max: 1_600,
      std: 500,
      p1: 91,
      p5: 95,
      p10: 99,
      p25: 150,
      p50: 310,
      p75: 420,
      p90: 1_100,
      p95: 1_300,
      p99: 1_500,
    },
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
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0, implausible: NO_IMPLAUSIBLE_RECORDS });
    assert.equal(summary.durationSeconds, 10);
  });

  test("with no records at all, counts and duration come from the aggregate, and goodput is not claimed", async () => {
    const { summary, provenance } = await summarizeRun(artifactDir(undefined, aggregate), SLOS);
    assert.deepEqual(summary.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
    assert.equal(summary.durationSeconds, 10.2);
    // aiperf's good_request_count used aiperf's own SLOs, which may not be these.
    assert.deepEqual(summary.goodput, { slos: SLOS, goodRequests: null, fraction: null });
    assert.equal(provenance.metricsFrom, "aiperf's aggregate", "never the per-request records, when there are none");
  });

  test("a corrupt aggregate is named", async () => {
    const dir = artifactDir(lines());
    writeFileSync(join(dir, "profile_export_aiperf.json"), "{ not json");
    await assert.rejects(summarizeRun(dir, SLOS), /profile_export_aiperf\.json is not aiperf's aggregate JSON/);
  });

  test("an aggregate of the wrong shape says which field and what was expected", async () => {
    const dir = artifactDir(lines());
    writeFileSync(join(dir, "profile_export_aiperf.json"), '{"aiperf_version": 13}');
    const result = await runCli(["summarize", dir]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is not aiperf's aggregate JSON: aiperf_version: Invalid input: expected string, received number\n$/);
  });
});

describe("summarize, as users run it", () => {
  test("--json prints exactly the documented shape", async () => {
    const result = await runCli(["summarize", artifactDir(lines()), "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(summary), ["kind", "schemaVersion", "requests", "durationSeconds", "metrics", "goodput"]);
    assert.equal(summary.kind, "dynamo-bench summary");
    assert.equal(summary.schemaVersion, 2);
    assert.deepEqual(Object.keys(summary.requests), ["total", "succeeded", "failed", "skippedLines", "implausible"]);
    assert.deepEqual(Object.keys(summary.requests.implausible), [
      "duplicate",
      "badTimestamp",
      "endBeforeStart",
      "negativeValue",
      "unitMismatch",
      "notFinite",
      "longerThanRequest",
      "longerThanSpan",
    ]);
    assert.deepEqual(Object.keys(summary.metrics), [
      "time_to_first_token",
      "inter_token_latency",
      "request_latency",
      "input_sequence_length",
      "output_sequence_length",
    ]);
    for (const metric of Object.values(summary.metrics)) {
      assert.deepEqual(Object.keys(metric as object), [
        "unit",
        "avg",
        "min",
        "max",
        "std",
        "p1",
        "p5",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "p99",
      ]);
    }
    assert.deepEqual(Object.keys(summary.goodput), ["slos", "goodRequests", "fraction"]);
  });

  test("the table shows counts, duration, avg/p50/p90/p99 per metric, goodput and skipped lines", async () => {
    const result = await runCli(["summarize", artifactDir(lines() + "{truncat")]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Requests: 6 total, 5 succeeded, 1 failed/);
    assert.match(result.stdout, /Duration: 10\.00 s/);
    assert.match(result.stdout, /Skipped 1 truncated or invalid line\(s\) of profile_export\.jsonl: 7/);
    assert.match(result.stdout, /Time to first token\s+ms\s+500\.00\s+300\.00\s+1,060\.00\s+1,456\.00/);
    // By default, the recipe's SLOs: the requests with ITL 10 and 20 ms of the five that succeeded.
    assert.match(result.stdout, /Goodput: 2 of 6 requests \(33\.33%\) meet time_to_first_token ≤ 2000 and inter_token_latency ≤ 25/);
  });

  test("--goodput sets other SLOs", async () => {
    const result = await runCli(["summarize", artifactDir(lines()), "--json", "--goodput", "time_to_first_token:250"]);
    assert.equal(JSON.parse(result.stdout).goodput.goodRequests, 2);
  });

  test("--write saves summary.json and summary.md next to the artifacts", async () => {
    const dir = artifactDir(lines());
    const result = await runCli(["summarize", dir, "--write", "--json"]);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")), JSON.parse(result.stdout));
    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /^## aiperf run .*\n[\s\S]*\| Time to first token \| ms \| 500\.00 \|/);
  });

  test("mistakes exit 1 with one message and no stack trace", async () => {
    for (const args of [
      ["summarize", "/nonexistent/run"],
      ["summarize", artifactDir(""), "--goodput", "ttft<1000"],
    ]) {
      const result = await runCli(args);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^error: /);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });
});

/** A record line with its JSON changed by `edit`, to give aiperf's rarer shapes. */
function edited(spec: RequestSpec, edit: (record: any) => void): string {
  const record = JSON.parse(recordLine(spec));
  edit(record);
  return JSON.stringify(record);
}

describe("aiperf's files as aiperf writes them", () => {
  test("the fixtures have aiperf's shape: no null fields, no error on success, cli_command under run_info", () => {
    const success = JSON.parse(recordLine(FIVE_REQUESTS[0]));
    assert.equal("error" in success, false);
    assert.ok(!JSON.stringify(success).includes("null"));
    assert.match(success.metadata.x_request_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(Object.keys(JSON.parse(recordLine(FIVE_REQUESTS[5])).metrics), ["error_isl"]);
    assert.equal(typeof aggregateFile({}).run_info.cli_command, "string");
  });

  test("a metric aiperf wrote as null (its NaN or Inf) leaves that value out, never the request", async () => {
    const nullTtft = edited({ startMs: 3_000, endMs: 4_000, ttft: 1, itl: 10, latency: 1_000, isl: 10, osl: 10 }, (record) => {
      record.metrics.time_to_first_token.value = null;
    });
    const { summary, provenance } = await summarizeRun(artifactDir(lines() + nullTtft + "\n"), SLOS);
    assert.deepEqual(provenance.skippedLineNumbers, []);
    assert.equal(summary.requests.total, 7);
    assert.equal(summary.requests.succeeded, 6);
    assert.equal(summary.metrics.time_to_first_token!.avg, 500, "the five measured TTFTs");
    assert.equal(summary.metrics.request_latency!.max, 8_000);
    assert.equal(summary.goodput.goodRequests, 3, "a request with no TTFT does not meet a TTFT SLO");
  });

  test("goodput follows aiperf's direction: ≥ for a metric where larger is better", async () => {
    const withThroughput = (spec: RequestSpec, value: number) =>
      edited(spec, (record) => (record.metrics.output_token_throughput_per_user = { value, unit: "tokens/sec/user" }));
    const records =
      FIVE_REQUESTS.slice(0, 3)
        .map((spec, i) => withThroughput(spec, [40, 50, 60][i]))
        .join("\n") + "\n";
    const { summary } = await summarizeRun(artifactDir(records), parseGoodput("output_token_throughput_per_user:50"));
    assert.equal(summary.goodput.goodRequests, 2, "50 and 60 meet ≥ 50");
    const result = await runCli(["summarize", artifactDir(records), "--goodput", "output_token_throughput_per_user:50"]);
    assert.match(result.stdout, /Goodput: 2 of 3 requests \(66\.67%\) meet output_token_throughput_per_user ≥ 50/);
  });

  test("a metric aiperf does not have is refused in --goodput and in the stack's config, with the names allowed", async () => {
    assert.throws(
      () => parseGoodput("time_to_frist_token:1000"),
      /aiperf has no per-request metric "time_to_frist_token"; the metrics allowed are: time_to_first_token, /,
    );
    const result = await runCli(["summarize", artifactDir(lines()), "--goodput", "time_to_frist_token:1000"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: --goodput: "time_to_frist_token:1000": aiperf has no per-request metric/);
    assert.throws(
      () => parseStackConfig({ variant: "agg", benchmark: { goodput: "time_to_frist_token:1000" } }, "test"),
      /dynamo-bench:benchmark\.goodput: .*aiperf has no per-request metric "time_to_frist_token"/,
    );
  });

  test("records that cannot be real measurements are counted, reported and left out of every figure", async () => {
    const [first, second] = FIVE_REQUESTS;
    const bad = [
      recordLine(first), // the same request id as the first line
      edited({ ...second, startMs: 7_000 }, (record) => (record.metadata.request_start_ns = 0)),
      recordLine({ ...second, startMs: 9_000, endMs: 8_000 }),
      recordLine({ ...second, startMs: 3_000, ttft: -5 }),
      recordLine({ ...second, startMs: 3_500, endMs: 4_000, osl: -3 }),
      edited(
        { ...second, startMs: 4_000, endMs: 6_500 },
        (record) => (record.metrics.input_sequence_length = { value: 2_000, unit: "characters" }),
      ),
    ];
    const dir = artifactDir(lines() + bad.join("\n") + "\n", aggregateFile({ time_to_first_token: { unit: "ms", avg: 1, p50: 1 } }));
    const { summary, provenance } = await summarizeRun(dir, SLOS);
    assert.deepEqual(summary.requests, {
      total: 6,
      succeeded: 5,
      failed: 1,
      skippedLines: 0,
      implausible: { ...NO_IMPLAUSIBLE_RECORDS, duplicate: 1, badTimestamp: 1, endBeforeStart: 1, negativeValue: 2, unitMismatch: 1 },
    });
    assert.equal(summary.metrics.time_to_first_token!.avg, 500, "the six plausible records, not aiperf's aggregate, which counts them all");
    assert.equal(provenance.metricsFrom, "the per-request records");
    assert.equal(summary.durationSeconds, 10);
    const text = (await runCli(["summarize", dir])).stdout;
    assert.match(
      text,
      new RegExp(
        String.raw`Left out 6 record\(s\) that cannot be real measurements: ` +
          String.raw`1 repeated an earlier record \(its request id or, without one, its start and end\), ` +
          "1 had a start or end that is no real time, 1 ended before they started, " +
          "2 had a negative time or token count, 1 gave a metric in another unit",
      ),
    );
  });

  test("times in another unit than ms are converted, so goodput and comparisons mean the same thing", async () => {
    const inSeconds =
      FIVE_REQUESTS.map((spec) =>
        spec.error
          ? recordLine(spec)
          : edited(spec, (record) => {
              for (const tag of ["time_to_first_token", "inter_token_latency", "request_latency"]) {
                record.metrics[tag] = { value: record.metrics[tag].value / 1000, unit: "sec" };
              }
            }),
      ).join("\n") + "\n";
    const { summary } = await summarizeRun(artifactDir(inSeconds), SLOS);
    const reference = (await summarizeRun(artifactDir(lines()), SLOS)).summary;
    assert.deepEqual(summary.goodput, reference.goodput);
    assert.equal(summary.metrics.time_to_first_token!.unit, "ms");
    assert.ok(Math.abs(summary.metrics.time_to_first_token!.p50! - 300) < 1e-9);
  });

  test("compare refuses two runs whose units differ", async () => {
    const withUnit = async (unit: string) => {
      const dir = artifactDir(undefined);
      const summary = JSON.parse((await runCli(["summarize", artifactDir(lines()), "--json"])).stdout);
      summary.metrics.time_to_first_token.unit = unit;
      writeFileSync(join(dir, "summary.json"), JSON.stringify(summary));
      return dir;
    };
    const result = await runCli(["compare", await withUnit("ms"), await withUnit("sec")]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /error: time_to_first_token is in ms in .* but in sec in .*: runs in different units are not compared/);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
  });

  test("a summary.json whose figures do not add up is refused, never compared", async () => {
    const dir = artifactDir(undefined);
    const summary = JSON.parse((await runCli(["summarize", artifactDir(lines()), "--json"])).stdout);
    const broken = [
      { ...summary, goodput: { ...summary.goodput, goodRequests: null } },
      { ...summary, goodput: { ...summary.goodput, goodRequests: 50 } },
      { ...summary, requests: { ...summary.requests, total: -10 } },
    ];
    for (const text of broken) {
      writeFileSync(join(dir, "summary.json"), JSON.stringify(text));
      const result = await runCli(["compare", dir, dir]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /summary\.json: not a dynamo-bench summary/);
    }
  });

  test("an aggregate whose counts are not counts is refused; an empty records file leaves the aggregate to count", async () => {
    const counts = (requestCount: number) =>
      aggregateFile({ request_count: { unit: "requests", avg: requestCount }, benchmark_duration: { unit: "sec", avg: 10 } });
    for (const bad of [-10, 2.5]) {
      await assert.rejects(
        summarizeRun(artifactDir(undefined, counts(bad)), SLOS),
        /aiperf's aggregate gives request_count as .*, which is not a count of requests/,
      );
    }
    const { summary } = await summarizeRun(artifactDir("", counts(10)), SLOS);
    assert.equal(summary.requests.total, 10);
  });

  test("an SLO given twice is refused", () => {
    assert.throws(() => parseGoodput("time_to_first_token:1000 time_to_first_token:500"), /"time_to_first_token" is given twice/);
  });

  test("an aggregate-only run says so, and gives no goodput rather than one outside 0–100%", async () => {
    const aggregate = aggregateFile({
      time_to_first_token: { unit: "ms", avg: 500, p50: 300, p90: 1_000, p99: 1_400 },
      request_count: { unit: "requests", avg: 5 },
      good_request_count: { unit: "requests", avg: 7 },
      benchmark_duration: { unit: "sec", avg: 10 },
    });
    const result = await runCli(["summarize", artifactDir(undefined, aggregate)]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Metrics from aiperf's aggregate\./);
    assert.match(
      result.stdout,
      new RegExp(
        "Goodput: not known for time_to_first_token ≤ 2000 and inter_token_latency ≤ 25: " +
          "it is counted from the per-request records, and this run has none",
      ),
    );
    assert.doesNotMatch(result.stdout, /140\.00%|per-request records\./);
  });
});

describe("numbers no run can give", () => {
  const tooBig = `time_to_first_token:${"9".repeat(400)}`;

  test("a threshold too large to be a number is refused, naming the SLO, on the command line and in a stack file", async () => {
    assert.throws(
      () => parseGoodput(tooBig),
      new RegExp(
        String.raw`^GoodputError: --goodput: "time_to_first_token:9{40}…": ` +
          String.raw`the threshold of time_to_first_token must be from 0 to 86,400,000 \(ms, a day\)$`,
      ),
    );
    const result = await runCli(["summarize", "examples/agg-sample", "--goodput", tooBig]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: --goodput: .*the threshold of time_to_first_token must be from 0 to 86,400,000 \(ms, a day\)$/m);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1);
    assert.throws(
      () => parseStackConfig({ variant: "agg", benchmark: { goodput: tooBig } }, "test"),
      /dynamo-bench:benchmark\.goodput: must be aiperf --goodput SLOs: ".*…": the threshold of time_to_first_token must be from 0 to /,
    );
  });

  /** A record line with the text of one number swapped for another, such as a literal JSON cannot hold as a double. */
  const withLiteral = (spec: RequestSpec, marker: number, literal: string) => recordLine(spec).replace(String(marker), literal);

  test("a TTFT or ITL longer than its own request, or a value that is not finite, leaves the record out", async () => {
    const [, second] = FIVE_REQUESTS;
    const bad = [
      recordLine({ ...second, startMs: 600, ttft: 1e308 }),
      recordLine({ ...second, startMs: 700, itl: 2_501 }),
      withLiteral({ ...second, startMs: 800, ttft: 123_456_789 }, 123_456_789, "1e309"),
      // 1e306 s is finite, but not once in ms.
      edited({ ...second, startMs: 900 }, (record) => (record.metrics.time_to_first_token = { value: 1e306, unit: "sec" })),
    ];
    const dir = artifactDir(lines() + bad.join("\n") + "\n");
    const { summary } = await summarizeRun(dir, SLOS);
    assert.deepEqual(summary.requests.implausible, { ...NO_IMPLAUSIBLE_RECORDS, longerThanRequest: 2, notFinite: 1 });
    assert.equal(summary.requests.skippedLines, 1, "1e309 reads as Infinity, which is no number to the record's schema");
    assert.equal(summary.requests.total, 6);
    assert.equal(summary.metrics.time_to_first_token!.max, 1_500);
    const text = (await runCli(["summarize", dir])).stdout;
    assert.match(
      text,
      new RegExp(
        String.raw`Left out 3 record\(s\) that cannot be real measurements: ` +
          "1 had a time or token count that is not a finite number, " +
          "2 had a time to first token or inter-token latency longer than the whole request",
      ),
    );
    assert.doesNotMatch(text, /\d{30}/);
  });

  test("a TTFT equal to the request latency, once converted from another unit, is kept", async () => {
    const whole = edited({ startMs: 0, endMs: 2_000, ttft: 2_000, itl: 2, latency: 2_000, isl: 1, osl: 1 }, (record) => {
      record.metrics.time_to_first_token = { value: 2_000_000_000, unit: "ns" };
      record.metrics.request_latency = { value: 2, unit: "sec" };
    });
    const { summary } = await summarizeRun(artifactDir(`${whole}\n`), SLOS);
    assert.deepEqual(summary.requests.implausible, NO_IMPLAUSIBLE_RECORDS);
    assert.equal(summary.requests.total, 1);
  });

  test("an aggregate with statistics no run can give is refused, not written into a summary.json that compare refuses", async () => {
    const aggregate = aggregateFile({ time_to_first_token: { unit: "ms", avg: 500, p50: 600, p90: 400, p99: 700 } });
    await assert.rejects(
      summarizeRun(artifactDir(undefined, aggregate), SLOS),
      /aiperf's aggregate cannot be right: its time_to_first_token\.p90 is 400, less than p50 \(600\); they must rise from min to max/,
    );
  });
});

describe("files that are too large, or not what they seem", () => {
  test("a 1 GiB aggregate is refused unread, saying how large it is", async () => {
    const dir = artifactDir(lines());
    const path = join(dir, "profile_export_aiperf.json");
    writeFileSync(path, "");
    truncateSync(path, 2 ** 30);
    await assert.rejects(
      summarizeRun(dir, SLOS),
      /profile_export_aiperf\.json: cannot read it \(it is 1,073,741,824 bytes, more than the 16 MiB an aggregate can be\)$/,
    );
  });

  test("a records file whose symbolic links loop is named as such, not as missing", async () => {
    const dir = artifactDir(undefined);
    symlinkSync("profile_export.jsonl", join(dir, "profile_export.jsonl"));
    const result = await runCli(["summarize", dir]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*profile_export\.jsonl: its symbolic links loop\n$/);
  });

  const notDirectories: [string, () => string, RegExp][] = [
    ["a regular file", () => join(artifactDir(lines()), "profile_export.jsonl"), /: it is a file, not a directory\n$/],
    ["a symbolic link to itself", symlinkLoop, /: its symbolic links loop\n$/],
    [
      "a path through a file",
      () => join(artifactDir(lines()), "profile_export.jsonl", "run"),
      /: a part of the path is a file, not a directory\n$/,
    ],
  ];
  for (const [name, path, message] of notDirectories) {
    test(`summarize on ${name} says what it is`, async () => {
      const result = await runCli(["summarize", path()]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^error: /);
      assert.match(result.stderr, message);
    });
  }

  test("summarize on a FIFO says it is not a directory, without reading it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-fifo-")), "run");
    assert.equal(spawnSync("mkfifo", [path]).status, 0);
    const result = await runCli(["summarize", path]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*run: it is not a directory\n$/);
  });
});

describe("summarize --write", () => {
  test("a FIFO named summary.md is refused before anything is written", async () => {
    const dir = artifactDir(lines());
    const fifo = join(dir, "summary.md");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    // A reader held open here lets a write that should not happen finish, instead of hanging the test.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const result = await runCli(["summarize", dir, "--write"]);
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /^error: .*summary\.md: cannot write it \(it is not a regular file; a pipe or a device could block the write forever\)\n$/,
      );
      assert.equal(existsSync(join(dir, "summary.json")), false, "no summary.json without its summary.md");
    } finally {
      closeSync(reader);
    }
  });

  test("a directory named summary.json is refused, and summary.md is not written either", async () => {
    const dir = artifactDir(lines());
    mkdirSync(join(dir, "summary.json"));
    const result = await runCli(["summarize", dir, "--write"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*summary\.json: cannot write it \(it is a directory, not a file\)\n$/);
    assert.equal(existsSync(join(dir, "summary.md")), false);
  });

  test("a symbolic link to nothing is refused, and nothing is made where it points", async () => {
    const dir = artifactDir(lines());
    const target = join(mkdtempSync(join(tmpdir(), "dynamo-bench-elsewhere-")), "made.md");
    symlinkSync(target, join(dir, "summary.md"));
    const result = await runCli(["summarize", dir, "--write"]);
    assert.match(result.stderr, /summary\.md: cannot write it \(it is a symbolic link to nothing\)/);
    assert.equal(existsSync(target), false);
  });

  test("a longer summary.json already there is replaced whole", async () => {
    const dir = artifactDir(lines());
    writeFileSync(join(dir, "summary.json"), " ".repeat(100_000));
    const result = await runCli(["summarize", dir, "--write", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(join(dir, "summary.json"), "utf8"), result.stdout);
  });
});

describe("goodput that cannot be counted", () => {
  test("an SLO on a metric no request recorded gives goodput not known, rather than 0%", async () => {
    const slos = parseGoodput("output_token_throughput_per_user:10");
    const { summary } = await summarizeRun(artifactDir(lines()), slos);
    assert.deepEqual(summary.goodput, { slos, goodRequests: null, fraction: null });
    const result = await runCli(["summarize", artifactDir(lines()), "--goodput", "output_token_throughput_per_user:10"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        "Goodput: not known for output_token_throughput_per_user ≥ 10: " +
          "it is counted from the per-request records, and none that succeeded has output_token_throughput_per_user\n$",
      ),
    );
    assert.doesNotMatch(result.stdout, /0\.00%/);
    const json = await runCli(["summarize", artifactDir(lines()), "--goodput", "output_token_throughput_per_user:10", "--json"]);
    assert.equal(JSON.parse(json.stdout).goodput.fraction, null);
    assert.equal(json.stderr, "warning: goodput not known: no request that succeeded recorded output_token_throughput_per_user\n");
  });

  test("an SLO on a metric only some requests recorded still counts the others as not good", async () => {
    const some = [
      edited(FIVE_REQUESTS[0], (record) => (record.metrics.output_token_throughput_per_user = { value: 50, unit: "tokens/sec/user" })),
      recordLine(FIVE_REQUESTS[1]),
    ];
    const { summary } = await summarizeRun(artifactDir(some.join("\n") + "\n"), parseGoodput("output_token_throughput_per_user:10"));
    assert.equal(summary.goodput.goodRequests, 1);
    assert.equal(summary.goodput.fraction, 0.5);
  });

  test("a run whose every request failed has goodput 0%, which is known", async () => {
    const { summary } = await summarizeRun(
      artifactDir(recordLine(FIVE_REQUESTS[5]) + "\n"),
      parseGoodput("output_token_throughput_per_user:10"),
    );
    assert.equal(summary.goodput.goodRequests, 0);
    assert.equal(summary.goodput.fraction, 0);
  });
});
