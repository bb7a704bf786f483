import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { parseGoodput } from "../../domain/slos";
import { aggregateFile, artifactDir, FIVE_REQUESTS, recordLine, type RequestSpec } from "../support/aiperfArtifacts";
import { runCli, STACK_TRACE } from "../support/cli";

const SLOS = parseGoodput("time_to_first_token:1000 inter_token_latency:30");
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const run = (records: string | undefined, aggregate?: unknown) => {
  const dir = artifactDir(records, aggregate);
  made.push(dir);
  return dir;
};
const lines = (specs: string[]) => specs.join("\n") + "\n";
/** A record with its times in `unit`, each `perMs` of it to a ms. */
function inUnit(spec: RequestSpec, unit: string, perMs: number): string {
  const record = JSON.parse(recordLine(spec));
  for (const tag of ["time_to_first_token", "inter_token_latency", "request_latency"]) {
    if (record.metrics[tag]) record.metrics[tag] = { value: record.metrics[tag].value * perMs, unit };
  }
  return JSON.stringify(record);
}

describe("the aggregate's benchmark_duration", () => {
  const aggregateOnly = (unit: string, avg: number) =>
    run(undefined, aggregateFile({ request_count: { unit: "requests", avg: 100 }, benchmark_duration: { unit, avg } }));

  test("in ms is converted to seconds, and is named as aiperf's, not as first request start to last request end", async () => {
    const dir = aggregateOnly("ms", 118_112);
    assert.equal((await summarizeRun(dir, SLOS)).summary.durationSeconds, 118.112);
    const text = (await runCli(["summarize", dir])).stdout;
    assert.match(text, /^Duration: 118\.11 s \(aiperf's benchmark_duration\)$/m);
    assert.doesNotMatch(text, /118,112|first request start/);
    assert.equal((await summarizeRun(aggregateOnly("sec", 10), SLOS)).summary.durationSeconds, 10);
  });

  test("in no unit of time is refused in one line", async () => {
    const result = await runCli(["summarize", aggregateOnly("furlongs", 3)]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*: aiperf's aggregate gives benchmark_duration in "furlongs", which is no unit of time\n$/);
  });

  test("a run with records keeps the records' span and its name", async () => {
    const text = (await runCli(["summarize", run(lines(FIVE_REQUESTS.map(recordLine)))])).stdout;
    assert.match(text, /^Duration: 10\.00 s \(first request start to last request end\)$/m);
  });
});

describe("time units", () => {
  const reference = () => summarizeRun(run(lines(FIVE_REQUESTS.map(recordLine))), SLOS);

  for (const micro of ["\u00b5s", "\u03bcs", "us"]) {
    test(`records in ${micro} are converted to ms, so goodput is what it is in ms, not 0%`, async () => {
      const { summary } = await summarizeRun(run(lines(FIVE_REQUESTS.map((spec) => inUnit(spec, micro, 1_000)))), SLOS);
      const expected = (await reference()).summary;
      assert.deepEqual(summary.goodput, expected.goodput);
      assert.ok(summary.goodput.fraction! > 0);
      assert.equal(summary.metrics.time_to_first_token!.unit, "ms");
      assert.ok(Math.abs(summary.metrics.time_to_first_token!.p50! - 300) < 1e-9);
    });
  }

  test("an SLO metric in a unit that is no known unit is refused in one line, naming the metric, its unit and the fix", async () => {
    const dir = run(lines(FIVE_REQUESTS.map((spec) => inUnit(spec, "fortnights", 1))));
    const result = await runCli(["summarize", dir]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      new RegExp(
        String.raw`^error: .*profile_export\.jsonl: time_to_first_token is in "fortnights", which does not convert to the ms its ` +
          String.raw`--goodput threshold is in, so goodput cannot be counted; give the records in aiperf's units, ` +
          String.raw`or leave time_to_first_token out of --goodput\n$`,
      ),
    );
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    // A unit named as an object's own property is no unit either, not a factor of NaN.
    await assert.rejects(
      summarizeRun(run(lines(FIVE_REQUESTS.map((spec) => inUnit(spec, "constructor", 1)))), SLOS),
      /time_to_first_token is in "constructor", which does not convert/,
    );
  });

  test("a metric no SLO names may be in any unit: it is shown in it", async () => {
    const { summary } = await summarizeRun(
      run(lines(FIVE_REQUESTS.map((spec) => inUnit(spec, "fortnights", 1)))),
      parseGoodput("input_sequence_length:1"),
    );
    assert.equal(summary.metrics.time_to_first_token!.unit, "fortnights");
  });

  test("the aggregate's times in another unit are converted to ms too, as the records' are", async () => {
    const seconds = { unit: "sec", avg: 0.5, p50: 0.25, p90: 1, p99: 1.5, min: 0.125, max: 1.5, std: 0.25 };
    const aggregate = aggregateFile({ time_to_first_token: seconds, request_count: { unit: "requests", avg: 5 } });
    const ttft = (await summarizeRun(run(undefined, aggregate), SLOS)).summary.metrics.time_to_first_token!;
    assert.deepEqual(
      [ttft.unit, ttft.avg, ttft.p50, ttft.p90, ttft.p99, ttft.min, ttft.max, ttft.std, ttft.p1],
      ["ms", 500, 250, 1_000, 1_500, 125, 1_500, 250, null],
    );
  });
});
