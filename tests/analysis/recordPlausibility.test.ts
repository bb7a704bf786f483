import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { measuredRecords } from "../../analysis/runs/scheduleMatching";
import { NO_IMPLAUSIBLE_RECORDS } from "../../analysis/summary/recordPlausibility";
import { parseGoodput } from "../../domain/slos";
import { joinRequests } from "../../analysis/compare/requestErrors";
import { requestMatchLines } from "../../analysis/compare/formatRequestErrors";
import { artifactDir, recordLine, type RequestSpec } from "../support/aiperfArtifacts";
import { runCli } from "../support/cli";

const SLOS = parseGoodput("time_to_first_token:2000 inter_token_latency:25");
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const run = (lines: string[]) => {
  const dir = artifactDir(lines.join("\n") + "\n");
  made.push(dir);
  return dir;
};
const withoutId = (spec: RequestSpec) => {
  const record = JSON.parse(recordLine(spec));
  delete record.metadata.x_request_id;
  return JSON.stringify(record);
};

const PLAUSIBLE: RequestSpec = { startMs: 0, endMs: 2_000, ttft: 100, itl: 10, latency: 2_000, isl: 1_000, osl: 100 };

describe("a latency that the record's own timestamps rule out", () => {
  // A request that lasted 2.48 s by request_end_ns − request_start_ns cannot have waited 1e15 ms for its first token.
  const impossible: RequestSpec[] = [
    { startMs: 500, endMs: 2_980, ttft: 1e15, itl: 10, isl: 1_000, osl: 100 },
    { startMs: 600, endMs: 3_080, ttft: 1e15, itl: 10, latency: 1e15, isl: 1_000, osl: 100 },
    { startMs: 700, endMs: 3_180, ttft: 100, itl: 10, latency: 2_481, isl: 1_000, osl: 100 },
    { startMs: 800, endMs: 3_280, ttft: 100, itl: 2_481, isl: 1_000, osl: 100 },
  ];

  test("is left out of every figure, counted in the JSON and said in the text", async () => {
    const dir = run([recordLine(PLAUSIBLE), ...impossible.map(recordLine)]);
    const { summary } = await summarizeRun(dir, SLOS);
    assert.deepEqual(summary.requests.implausible, { ...NO_IMPLAUSIBLE_RECORDS, longerThanSpan: 4 });
    assert.equal(summary.requests.total, 1);
    assert.equal(summary.metrics.time_to_first_token!.avg, 100, "not 5×10^14 ms");
    const text = (await runCli(["summarize", dir])).stdout;
    assert.ok(
      text.includes(
        "\nLeft out 4 record(s) that cannot be real measurements: " +
          "4 had a latency longer than their own start to end (request_end_ns − request_start_ns)\n",
      ),
      text,
    );
    const json = await runCli(["summarize", dir, "--json"]);
    assert.equal(JSON.parse(json.stdout).requests.implausible.longerThanSpan, 4);
    assert.match(json.stderr, /^warning: profile_export\.jsonl: left out 4 record\(s\) that cannot be real measurements: 4 had a latency/m);
  });

  test("a latency equal to the span, to the ns, is kept, whatever the unit", async () => {
    const exact = JSON.parse(recordLine({ startMs: 0.000_123, endMs: 2_480.000_456, ttft: 2_480.000_333, itl: 1, isl: 1, osl: 1 }));
    exact.metrics.request_latency = { value: 2_480_000_333, unit: "ns" };
    const { summary } = await summarizeRun(run([JSON.stringify(exact)]), SLOS);
    assert.deepEqual(summary.requests.implausible, NO_IMPLAUSIBLE_RECORDS);
  });

  test("a negative TTFT is counted when records are joined to a trace (calibrate, compare --baseline-requests), not dropped", async () => {
    const dir = run([
      recordLine(PLAUSIBLE),
      recordLine({ ...PLAUSIBLE, startMs: 100, endMs: 2_100, ttft: -5 }),
      ...impossible.map(recordLine),
    ]);
    const { records, implausible } = await measuredRecords(dir);
    assert.equal(records.length, 1);
    assert.deepEqual(implausible, { ...NO_IMPLAUSIBLE_RECORDS, negativeValue: 1, longerThanSpan: 4 });
    const predicted = join(dir, "requests.jsonl");
    const request = { index: 0, timestamp: 0, inputLength: 1_000, worker: 0, hitTokens: 0, ttftMs: 90, itlMs: 9, endMs: 1_900 };
    writeFileSync(predicted, `${JSON.stringify(request)}\n`);
    const { errors } = await joinRequests("--baseline-requests", predicted, dir);
    assert.equal(errors.implausible.negativeValue, 1);
    assert.deepEqual(requestMatchLines([{ label: "agg", requestErrors: errors }]).slice(1), [
      "agg: left out 5 record(s) that cannot be real measurements: 1 had a negative time or token count, " +
        "4 had a latency longer than their own start to end (request_end_ns − request_start_ns)",
    ]);
  });
});

describe("records without x_request_id", () => {
  const specs: RequestSpec[] = [PLAUSIBLE, { ...PLAUSIBLE, startMs: 10, endMs: 2_010, itl: 30 }];

  test("a file joined to a copy of itself counts each request once, and says how many it left out", async () => {
    const once = specs.map(withoutId);
    const { summary } = await summarizeRun(run([...once, ...once]), SLOS);
    assert.equal(summary.requests.total, 2);
    assert.equal(summary.goodput.goodRequests, 1);
    assert.equal(summary.goodput.fraction, 0.5);
    assert.equal(summary.requests.implausible!.duplicate, 2);
    const text = (await runCli(["summarize", run([...once, ...once])])).stdout;
    assert.match(text, /^Requests: 2 total, 2 succeeded, 0 failed$/m);
    assert.match(text, /Left out 2 record\(s\) .*: 2 repeated an earlier record \(its request id or, without one, its start and end\)/);
  });

  test("a record without an id at the start and end of one with an id is the same request; two ids at one time are two", async () => {
    const { summary } = await summarizeRun(run([recordLine(PLAUSIBLE), withoutId(PLAUSIBLE)]), SLOS);
    assert.deepEqual([summary.requests.total, summary.requests.implausible!.duplicate], [1, 1]);
    const twoIds = [recordLine({ ...PLAUSIBLE, requestId: "a" }), recordLine({ ...PLAUSIBLE, requestId: "b" })];
    const both = await summarizeRun(run(twoIds), SLOS);
    assert.deepEqual([both.summary.requests.total, both.summary.requests.implausible!.duplicate], [2, 0]);
  });
});
