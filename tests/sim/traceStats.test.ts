import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceStats } from "../../sim/trace/traceStats";
import { formatPercent } from "../../lib/numbers";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";

/** Four requests whose figures are worked out by hand below; the last two have too few and too many hash ids for their tokens. */
const FOUR_REQUESTS = [
  { timestamp: 0, input_length: 1000, output_length: 10, hash_ids: [1, 2] },
  { timestamp: 1000, input_length: 1500, output_length: 20, hash_ids: [1, 2, 3] },
  { timestamp: 2000, input_length: 600, output_length: 30, hash_ids: [4] },
  { timestamp: 4000, input_length: 900, output_length: 40, hash_ids: [1, 5, 5] },
];

describe("trace stats", () => {
  test("counts requests, duration, rates, lengths and prefix-block reuse", async () => {
    const { stats } = await traceStats(traceFile(FOUR_REQUESTS));
    assert.deepEqual(stats, {
      requests: 4,
      durationSeconds: 4,
      requestRate: 1,
      inputTokensPerSecond: 1000,
      inputLength: { avg: 1000, min: 600, max: 1500 },
      outputLength: { avg: 25, min: 10, max: 40 },
      blocks: {
        unique: 5,
        reused: 2, // blocks 1 and 2; block 5 repeats only inside one request
        reusedFraction: 0.4,
        references: 9,
        repeats: 4,
        cacheEfficiency: 4 / 9,
        countMismatches: 2, // 600 tokens in one block, 900 in three: ceil(n / 512) is 2 for both
      },
    });
  });

  test("block ids far beyond the dense range are counted the same way", async () => {
    const far = FOUR_REQUESTS.map((r) => ({ ...r, hash_ids: r.hash_ids.map((id) => id * 100_000_000) }));
    const { stats } = await traceStats(traceFile(far));
    assert.deepEqual(stats.blocks, (await traceStats(traceFile(FOUR_REQUESTS))).stats.blocks);
  });

  test("percentages read as the issue writes them: 24.2% reused, 36.64% efficiency", () => {
    assert.equal(formatPercent(0.2415, 1), "24.2%");
    assert.equal(formatPercent(0.36641), "36.64%");
  });

  test("--json prints exactly the documented keys", async () => {
    const result = await runCli(["trace", "stats", traceFile(FOUR_REQUESTS), "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const stats = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(stats), [
      "requests",
      "durationSeconds",
      "requestRate",
      "inputTokensPerSecond",
      "inputLength",
      "outputLength",
      "blocks",
    ]);
    assert.deepEqual(Object.keys(stats.inputLength), ["avg", "min", "max"]);
    assert.deepEqual(Object.keys(stats.blocks), [
      "unique",
      "reused",
      "reusedFraction",
      "references",
      "repeats",
      "cacheEfficiency",
      "countMismatches",
    ]);
  });

  test("the table has thousands separators and percentages", async () => {
    const big = FOUR_REQUESTS.map((r) => ({ ...r, input_length: r.input_length * 1000 }));
    const result = await runCli(["trace", "stats", traceFile(big)]);
    assert.match(result.stdout, /input length avg \/ min \/ max\s+1,000,000\.00 \/ 600,000 \/ 1,500,000/);
    assert.match(result.stdout, /reused blocks\s+2 \(40\.0% of unique\)/);
    assert.match(result.stdout, /cache efficiency\s+44\.44% /);
  });

  test("a bad line is an error that names its line number", async () => {
    const path = traceFile([
      FOUR_REQUESTS[0],
      '{"timestamp": 5, "input_length": -3, "output_length": 1, "hash_ids": []}',
      FOUR_REQUESTS[1],
    ]);
    const result = await runCli(["trace", "stats", path]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /error: .*trace\.jsonl, line 2: input_length: Too small: expected number to be >=0 \(use --skip-invalid to skip such lines\)/,
    );
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    const badId = await runCli(["trace", "stats", traceFile([{ ...FOUR_REQUESTS[0], hash_ids: [1, 2.5] }])]);
    assert.match(badId.stderr, /line 1: hash_ids\.1: .*expected int/);
    const truncated = await runCli(["trace", "stats", traceFile([FOUR_REQUESTS[0], '{"timestamp": 5, "inp'])]);
    assert.match(truncated.stderr, /line 2: not JSON/);
  });

  test("--skip-invalid skips bad lines, counts them and says so", async () => {
    const path = traceFile([FOUR_REQUESTS[0], "not json", FOUR_REQUESTS[1], '{"timestamp": "soon"}']);
    const result = await runCli(["trace", "stats", path, "--skip-invalid", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).requests, 2);
    assert.match(result.stderr, /warning: skipped 2 invalid line\(s\): 2, 4/);
  });

  test("a missing file or an empty trace is a clear error", async () => {
    assert.match((await runCli(["trace", "stats", "/nonexistent/trace.jsonl"])).stderr, /\/nonexistent\/trace\.jsonl: no such file/);
    assert.match((await runCli(["trace", "stats", traceFile([])])).stderr, /the trace has no requests/);
  });

  test("a trace out of timestamp order lasts from its smallest timestamp to its largest, as aiperf replays it", async () => {
    const backwards = [
      { ...FOUR_REQUESTS[0], timestamp: 100 },
      { ...FOUR_REQUESTS[1], timestamp: 0 },
    ];
    const { stats } = await traceStats(traceFile(backwards));
    assert.equal(stats.durationSeconds, 0.1);
    assert.equal(stats.requestRate, 20);
    assert.equal(stats.inputTokensPerSecond, 25_000);
    const result = await runCli(["trace", "stats", traceFile(backwards)]);
    assert.match(result.stdout, /duration\s+0\.100 s/);
    assert.match(result.stdout, /request rate\s+20\.000 req\/s/);
  });

  test("requests whose hash ids are not one per 512-token block are counted, and the table warns of them", async () => {
    const result = await runCli(["trace", "stats", traceFile(FOUR_REQUESTS)]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /\nwarning: 2 of 4 request\(s\) have a number of hash_ids other than ceil\(input_length \/ 512\), one per 512-token block; .*\n$/,
    );
    const exact = [
      { timestamp: 0, input_length: 512, output_length: 1, hash_ids: [1] },
      { timestamp: 1, input_length: 513, output_length: 1, hash_ids: [1, 2] },
      { timestamp: 2, input_length: 0, output_length: 1, hash_ids: [] },
    ];
    const clean = await runCli(["trace", "stats", traceFile(exact)]);
    assert.doesNotMatch(clean.stdout, /warning/);
    assert.equal(JSON.parse((await runCli(["trace", "stats", traceFile(exact), "--json"])).stdout).blocks.countMismatches, 0);
  });

  test("a Mooncake-like trace has one hash id per 512-token block throughout", async () => {
    const { stats } = await traceStats(traceFile([...conversationTrace(500)]));
    assert.equal(stats.blocks.countMismatches, 0);
  });
});
