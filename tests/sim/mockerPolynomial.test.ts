import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceFile } from "../support/traceFixtures";
import { request, simulate } from "../support/simulateCases";

const trace = traceFile([0, 1, 2, 3, 4, 5].map((i) => request(i * 1000, i % 2 ? 2000 : 300, 20, i * 10)));

describe("--profile mocker-polynomial", () => {
  test("on a GPU stack is an estimate: the prediction carries the timing spans", async () => {
    for (const stack of ["agg", "disagg"]) {
      const json = JSON.parse((await simulate("--trace", trace, "-s", stack, "--profile", "mocker-polynomial", "--json")).stdout);
      assert.ok(json.range, `${stack}: a range, not a point`);
      assert.ok(json.range.spans.includes("prefill timing: the estimate to 25% slower"), json.range.spans.join("; "));
      assert.ok(json.range.slow.latency.timeToFirstToken.p50 > json.latency.timeToFirstToken.p50, stack);
      assert.match(json.perfModel, /an estimate of these vLLM workers$/);
    }
    const text = await simulate("--trace", trace, "-s", "agg", "--profile", "mocker-polynomial");
    assert.match(text.stdout, /^range: each end takes every span at that end: prefill timing: the estimate to 25% slower/m);
  });

  test("on a mock stack is what its mocker runs, at the stack's speedup: a point", async () => {
    for (const stack of ["mock-agg", "mock-disagg"]) {
      const given = JSON.parse((await simulate("--trace", trace, "-s", stack, "--profile", "mocker-polynomial", "--json")).stdout);
      const own = JSON.parse((await simulate("--trace", trace, "-s", stack, "--json")).stdout);
      assert.equal(given.range, null, stack);
      assert.deepEqual(given.latency, own.latency, stack);
      assert.match(given.perfModel, /^Dynamo's mocker, as the stack runs it: .*, 10× fast$/);
    }
  });
});
