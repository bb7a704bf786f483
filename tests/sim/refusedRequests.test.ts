import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { workerCapacityTokens } from "../../domain/kvCapacity";
import { fileSha256 } from "../../lib/fileSha256";
import { predictRun } from "../../sim/runPrediction";
import { traceFile } from "../support/traceFixtures";
import { runCli } from "../support/cli";
import { assertClean, request, simulate } from "../support/simulateCases";

/** Five prompts of 2,000 tokens a second apart: none fits 1,024 tokens of KV. */
const longPrompts = traceFile(Array.from({ length: 5 }, (_, i) => request(i * 1000, 2000, 50, i * 10)));
/** Six requests a second apart, every other one 2,000 tokens long: three fit 1,024 tokens of KV, three do not. */
const mixed = [0, 1, 2, 3, 4, 5].map((i) => request(i * 1000, i % 2 ? 2000 : 300, 20, i * 10));
const mixedPath = traceFile(mixed);
const shortOnesPath = traceFile(mixed.filter((_, i) => i % 2 === 0));

describe("a stack that refuses every request", () => {
  test("prints no figure as if measured: none served, and a line saying how many were refused and why", async () => {
    const args = ["--trace", longPrompts, "-s", "mock-agg", "--capacity-tokens", "1024"];
    const json = JSON.parse((await simulate(...args, "--json")).stdout);
    assert.deepEqual(json.latency, { timeToFirstToken: null, interTokenLatency: null, requestLatency: null });
    assert.deepEqual([json.requests, json.refused, json.goodput.good, json.goodput.total, json.goodput.fraction], [5, 5, 0, 5, 0]);
    const text = await simulate(...args);
    assertClean(text, "text");
    for (const latency of ["TTFT", "ITL", "request latency"]) {
      assert.match(text.stdout, new RegExp(`^predicted ${latency}, p50 / p90 / p99 \\(ms\\) +none served$`, "m"));
    }
    assert.ok(
      text.stdout.includes(
        "\nrefused: 5 of 5 requests, each needing more KV than a worker's whole 1,024 tokens " +
          "(its prompt and output, in 64-token blocks), which a worker refuses in either engine model; ",
      ),
      text.stdout,
    );
    assert.match(text.stdout, /^refused: .*; none was served$/m);
  });

  test("on a GPU stack with the mocker model, the range's ends are none served too, not zeros", async () => {
    const args = ["--trace", longPrompts, "-s", "disagg", "--engine-model", "mocker", "--capacity-tokens", "1024"];
    const json = JSON.parse((await simulate(...args, "--json")).stdout);
    assert.equal(json.latency.timeToFirstToken, null);
    for (const end of ["fast", "slow"]) assert.equal(json.range[end].latency.timeToFirstToken, null, end);
    const text = await simulate(...args);
    assertClean(text, "text");
    assert.match(text.stdout, /^ {2}range, fast – slow end +none served$/m);
  });

  test("in a split sweep, each split says none served and how many it refused, and none is named best", async () => {
    const result = await runCli(["simulate", "sweep", "split", "--trace", longPrompts, "-s", "mock-disagg", "--capacity-tokens", "1024"]);
    assertClean(result, "sweep");
    assert.match(result.stdout, /^4P4D +none served +none served +0\.00%$/m);
    assert.match(result.stdout, /^every split: refused: 5 of 5 requests, /m);
    assert.match(result.stdout, /^no split meets the SLOs: /m);
    assert.doesNotMatch(result.stdout, /\(best\)/);
  });

  test("the prediction pulumi up saves beside a run is a note, not zeros", async () => {
    // 36.6 GB GPUs at 0.9 and TP 2, less 65.6 GB of weights: about a thousand tokens of KV per worker.
    const config = parseStackConfig(
      {
        variant: "agg",
        cluster: { gpuMemoryGB: 36.6 },
        workers: { engine: "mocker" },
        benchmark: { traceSha256: await fileSha256(longPrompts) },
      },
      "test",
    );
    assert.ok(workerCapacityTokens(config) < 2000);
    const prediction = await predictRun(config, "agg", longPrompts);
    assert.ok("note" in prediction, JSON.stringify(prediction));
    assert.match(prediction.note, /^No prediction saved: the simulated stack served none of the trace's 5 requests \(5 refused /);
  });
});

describe("a stack that refuses some requests", () => {
  test("gives the served requests' figures, and counts the refused", async () => {
    const args = (trace: string) => ["--trace", trace, "-s", "mock-agg", "--capacity-tokens", "1024", "--json"];
    const some = JSON.parse((await simulate(...args(mixedPath))).stdout);
    const served = JSON.parse((await simulate(...args(shortOnesPath))).stdout);
    assert.deepEqual([some.requests, some.refused, served.refused], [6, 3, 0]);
    assert.deepEqual(some.latency, served.latency, "each request has a worker of its own: the refused change nothing for the rest");
    assert.equal(some.goodput.fraction, 0.5, "a refused request is a failed one, which a run's goodput counts as not good");
    const text = await simulate(...args(mixedPath).slice(0, -1));
    assert.match(text.stdout, /^refused: 3 of 6 requests, each needing more KV .*; the latencies are of the 3 served$/m);
  });
});
