import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MOCKER_POLYNOMIAL, profilePerfModel, type PerfModel } from "../../sim/perfModel";
import { simulateStack } from "../../sim/simulateStack";
import type { TraceRequest } from "../../sim/trace/traceFile";
import { conversationTrace } from "../support/traceFixtures";
import { MOCKER_PERF, testStackModel } from "../support/stackModels";

const perf = MOCKER_PERF;
const model = testStackModel;
const alone = (input_length: number, output_length = 10): TraceRequest => ({
  timestamp: 0,
  input_length,
  output_length,
  hash_ids: Array.from({ length: Math.ceil(input_length / 512) }, (_, i) => i),
});

/** The passes that prefill one request alone: chunks of the token budget, each paying the pass's fixed part. */
function prefillPassesMs(perfModel: PerfModel, input: number, budget = 8192): number {
  let total = 0;
  for (let done = 0; done < input; done += budget)
    total += perfModel.prefillPassMs + perfModel.prefillMs(done, Math.min(budget, input - done));
  return total;
}

describe("the latency model's limits", () => {
  test("with no queueing, TTFT is exactly the prefill passes and the pass that emits the first token", () => {
    for (const input of [100, 8192, 20_000]) {
      const run = simulateStack([alone(input)], model());
      assert.equal(run.ttftMs[0], prefillPassesMs(perf, input) + perf.decodeMs(input, input), `${input} tokens`);
      assert.equal(run.queueMs[0], 0);
    }
    const oneRequest = perf.prefillPassMs + perf.prefillMs(0, 5000);
    assert.equal(oneRequest, MOCKER_POLYNOMIAL.prefill[0] + MOCKER_POLYNOMIAL.prefill[1] * 5000 + MOCKER_POLYNOMIAL.prefill[2] * 5000 ** 2);
  });

  test("in disagg, TTFT adds the KV transfer, prompt bytes over the bandwidth, and the decode worker's first pass", () => {
    const input = 12_000;
    const run = simulateStack([alone(input)], model({ policy: "kv", decodeWorkers: 1 }));
    const transferMs = (input * 262_144) / (64 * 1e9) / 1e-3;
    assert.ok(Math.abs(run.ttftMs[0] - (prefillPassesMs(perf, input) + transferMs + perf.decodeMs(input, input))) < 1e-9);
  });

  test("tokens after a cached prefix cost what the curve adds past it: attention to the prefix is paid", () => {
    assert.ok(perf.prefillMs(30_000, 1000) > perf.prefillMs(0, 1000));
    assert.equal(perf.prefillMs(0, 1000) + perf.prefillMs(1000, 1000), perf.prefillMs(0, 2000));
  });

  test("adding a prefill worker never raises the mean queue wait for the same arrivals", () => {
    // Twenty times the fixture's rate, so that requests queue.
    const busy = [...conversationTrace(600)].map((request) => ({ ...request, timestamp: request.timestamp / 20 }));
    for (const policy of ["round-robin", "kv"] as const) {
      const waits = [1, 2, 3, 4, 6, 8].map((routedWorkers) => {
        const run = simulateStack(busy, model({ policy, routedWorkers, decodeWorkers: 2 }));
        return run.queueMs.reduce((sum, wait) => sum + wait, 0) / run.queueMs.length;
      });
      assert.ok(waits[0] > 1000, `one prefill worker queues (${waits[0]} ms)`);
      for (let i = 1; i < waits.length; i++) assert.ok(waits[i] <= waits[i - 1], `${policy}: ${waits.join(", ")}`);
    }
  });

  test("disagg ITL does not depend on prompt lengths; agg ITL grows with them, as prefill shares its passes", () => {
    const flatDecode = profilePerfModel({
      source: "test",
      prefill: { inputTokens: [0, 10_000], ttftMs: [5, 1005] },
      decode: { rows: [{ contextLength: 0, activeKvTokens: [0, 1e6], itlMs: [20, 20] }] },
    });
    const short = [...conversationTrace(300)].map((request) => ({ ...request, timestamp: request.timestamp / 4 }));
    const long = short.map((request) => ({ ...request, input_length: request.input_length * 3 }));
    const disagg = (trace: TraceRequest[]) => simulateStack(trace, model({ perf: flatDecode, routedWorkers: 6, decodeWorkers: 2 })).itlMs;
    const itls = [...disagg(short), ...disagg(long)].filter((itl) => !Number.isNaN(itl));
    for (const itl of itls) assert.ok(Math.abs(itl - 20) < 1e-9, `${itl}`);
    const agg = (trace: TraceRequest[]) => {
      const itl = [...simulateStack(trace, model({ perf: flatDecode, routedWorkers: 2 })).itlMs].filter((value) => !Number.isNaN(value));
      return itl.reduce((sum, value) => sum + value, 0) / itl.length;
    };
    assert.ok(agg(long) > agg(short) && agg(short) > 20, `agg mean ITL ${agg(short)} → ${agg(long)}`);
  });
});

describe("the vllm engine model's prefix cache and KV limit", () => {
  test("a prompt's blocks are found as soon as they are scheduled: by a request in the same pass, and during a chunked prefill", () => {
    // A and B arrive while X's prompt fills the first pass, so the second pass takes both: A first, then B,
    // which shares A's 8 trace blocks (4,096 tokens) and adds one of its own.
    const x = { ...alone(8192), hash_ids: Array.from({ length: 16 }, (_, i) => 1000 + i) };
    const a = { ...alone(4096), timestamp: 1 };
    const b = { ...alone(4096 + 512), timestamp: 2, hash_ids: [...a.hash_ids, 99] };
    const samePass = simulateStack([x, a, b], model());
    assert.equal(samePass.hitTokens[2], 4096, "B finds the blocks A's chunk registered in the pass they share");
    assert.equal(samePass.prefillTokens, 8192 + 4096 + 512);
    assert.equal(1 + samePass.ttftMs[1], 2 + samePass.ttftMs[2], "their first tokens come in the same pass");

    // C (20,000 tokens) prefills in chunks of 8,192; D, sharing its first 32 trace blocks, arrives during the second chunk.
    const c = alone(20_000);
    const firstChunkMs = perf.prefillPassMs + perf.prefillMs(0, 8192);
    const d = { ...alone(16_384 + 512), timestamp: firstChunkMs + 1, hash_ids: [...c.hash_ids.slice(0, 32), 99] };
    const chunked = simulateStack([c, d], model());
    assert.equal(chunked.hitTokens[1], 16_384, "the second chunk's blocks, registered when it was scheduled");
  });

  test("requests that reach an idle worker at the same instant share its first pass, and its prefix", () => {
    const burst = Array.from({ length: 8 }, () => alone(3000));
    const run = simulateStack(burst, model());
    assert.deepEqual([...new Set(run.ttftMs)].length, 1, `one first pass for all: ${[...run.ttftMs]}`);
    assert.deepEqual([...run.hitTokens], [0, ...new Array(7).fill(2944)], "the first registers 46 full blocks, the rest find them");
    assert.equal(run.passes, 1 + 9, "one pass prefills all eight and emits their first tokens; nine more decode the other tokens");
  });

  test("a request that cannot fit in a worker's whole KV is refused, its latencies NaN, and the rest are served", () => {
    const engine = { ...model().engine, kvCapacityTokens: 4096 };
    const requests = [alone(5000, 1), { ...alone(3000, 2000), timestamp: 1 }, { ...alone(1000, 10), timestamp: 2 }];
    const agg = simulateStack(requests, model({ engine }));
    assert.equal(agg.refused, 2, "a prompt past the KV, and a prompt whose output then outgrows it");
    assert.ok([0, 1].every((i) => Number.isNaN(agg.ttftMs[i]) && Number.isNaN(agg.latencyMs[i])));
    assert.ok(agg.ttftMs[2] > 0 && Number.isFinite(agg.latencyMs[2]));
    assert.equal(
      agg.references,
      requests.reduce((sum, request) => sum + Math.floor(request.input_length / 64), 0),
    );

    // In disagg the prefill worker holds the prompt and one token; the decode worker refuses the request whose output outgrows its KV.
    const disagg = simulateStack(requests.slice(1), model({ engine, decodeWorkers: 1 }));
    assert.equal(disagg.refused, 1);
    assert.ok(Number.isNaN(disagg.ttftMs[0]) && Number.isFinite(disagg.ttftMs[1]));
  });
});
