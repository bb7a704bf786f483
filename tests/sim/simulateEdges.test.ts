import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceFile } from "../support/traceFixtures";
import { assertClean, request, simulate } from "../support/simulateCases";

const STACKS = ["agg", "disagg", "mock-agg", "mock-disagg"];
const oneRequest = traceFile([request(0, 300, 20, 1)]);

describe("the edges of a stack, in both engine models", () => {
  test("a KV smaller than one block: both engine models refuse the request, in one line and no warning", async () => {
    for (const stack of STACKS) {
      for (const engineModel of ["mocker", "vllm"]) {
        const result = await simulate("--trace", oneRequest, "-s", stack, "--capacity-tokens", "10", "--engine-model", engineModel);
        assertClean(result, `${stack} ${engineModel}`);
        assert.match(
          result.stdout,
          /^refused: 1 of 1 requests, each needing more KV than a worker's whole 10 tokens .*none was served$/m,
          `${stack} ${engineModel}`,
        );
        assert.equal(result.stderr, "", `${stack} ${engineModel}`);
      }
    }
  });

  test("a KV that holds the request refuses nothing", async () => {
    const result = await simulate("--trace", oneRequest, "-s", "agg", "--capacity-tokens", "384", "--engine-model", "vllm");
    assertClean(result, "384 tokens: 6 blocks for 300 + 20 tokens");
    assert.equal(result.stderr, "");
    assert.doesNotMatch(result.stdout, /refused/);
  });

  test("two requests over six workers are 0.3 a worker, not 0; a trace with no shared block has no share of its bound", async () => {
    const two = traceFile([request(0, 600, 5, 1), request(10, 600, 5, 100)]);
    const result = await simulate("--trace", two, "-s", "disagg");
    assertClean(result, "two requests");
    assert.match(result.stdout, /^requests per worker, max \/ mean +1 \/ 0\.3$/m);
    assert.match(result.stdout, /^bound \(one unbounded cache\) +0\.00%$/m);
    assert.match(result.stdout, /^hit rate \/ bound +n\/a$/m);
  });

  test("--workers that with the decode workers pass the limit names --workers, not the stack file", async () => {
    const result = await simulate("--trace", oneRequest, "-s", "disagg", "--workers", "4096");
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      "error: --workers: 4,096 routed workers and the stack's 2 decode workers are more than the 4,096 a simulation holds; " +
        "give at most 4,094\n",
    );
  });

  test("a trace of one request gives finite figures on every stack", async () => {
    for (const stack of STACKS) {
      for (const engineModel of ["mocker", "vllm"]) {
        assertClean(await simulate("--trace", oneRequest, "-s", stack, "--engine-model", engineModel), `${stack} ${engineModel}`);
        const json = JSON.parse((await simulate("--trace", oneRequest, "-s", stack, "--engine-model", engineModel, "--json")).stdout);
        assert.ok(json.latency.timeToFirstToken.p50 > 0 && json.latency.interTokenLatency.p50 > 0, `${stack} ${engineModel}`);
        assert.deepEqual([json.requests, json.refused, json.goodput.total], [1, 0, 1]);
      }
    }
  });
});
