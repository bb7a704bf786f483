import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, type PolynomialCoefficients } from "../../sim/perfModel";
import { type StackModel } from "../../sim/stackSimulation";
import { simulateStack } from "../../sim/simulateStack";
import type { TraceRequest } from "../../sim/trace/traceFile";
import { testStackModel } from "../support/stackModels";

/*
 * Cases derived by hand from Dynamo's mocker source (ai-dynamo/dynamo@4cba833f lib/mocker/src/:
 * scheduler/vllm/core.rs, scheduler/vllm/policy.rs, common/perf_model.rs, common/sequence.rs,
 * kv_manager/kvbm_backend.rs, and lib/kvbm-logical's lineage backend). The expected times below are
 * worked out from those rules with the mocker's default polynomials, not read from the simulation.
 */

const BLOCK = 64;
const prefillPoly = (tokens: number) => 16.50142 + 1.518344e-2 * tokens + 4.209989e-7 * tokens ** 2;
/** The decode step at a KV fraction, floored at 1 ms before the speedup divides it. */
const decodePoly = (fraction: number) => Math.max(1, 5.74 + 54.01 * fraction - 25.74 * fraction ** 2);

const request = (timestamp: number, input: number, output: number, firstId: number): TraceRequest => ({
  timestamp,
  input_length: input,
  output_length: output,
  hash_ids: Array.from({ length: Math.ceil(input / 512) }, (_, i) => firstId + i),
});

/** A stack of mocker workers with `blocks` KV blocks each, the polynomials' KV fraction taken of them. */
function mockerModel(blocks: number, overrides: Partial<StackModel> = {}, coefficients: PolynomialCoefficients = MOCKER_POLYNOMIAL) {
  const capacity = blocks * BLOCK;
  return testStackModel({
    engineModel: "mocker",
    engine: { kvCapacityTokens: capacity, blockSize: BLOCK, maxBatchedTokens: 8192, maxNumSeqs: 256 },
    perf: polynomialPerfModel(coefficients, capacity, "mocker"),
    ...overrides,
  });
}

/** Within 0.1%, as the issue asks of every request's TTFT and ITL. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-3 * Math.abs(expected), `${what}: ${actual} ms, expected ${expected} ms`);
}

describe("the mocker engine model, against cases worked out from the mocker's source", () => {
  test("a long prompt: one curve value per chunk of 8,192 tokens, cached prefix not charged, first token in the last pass", () => {
    const run = simulateStack([request(0, 20_000, 3, 0)], mockerModel(100_000));
    // 313 blocks active (312 full and a partial) for the first decode step and the two after it.
    const step = decodePoly((313 * BLOCK) / (100_000 * BLOCK));
    near(run.ttftMs[0], 2 * prefillPoly(8192) + prefillPoly(3616) + step, "TTFT");
    near(run.itlMs[0], step, "ITL");
    const vllm = simulateStack([request(0, 20_000, 3, 0)], { ...mockerModel(100_000), engineModel: "vllm" });
    assert.ok(vllm.ttftMs[0] > run.ttftMs[0] * 1.2, "the vllm model charges attention over the earlier chunks");
  });

  test("requests arriving at the same instant share the first pass, priced at their new tokens together", () => {
    const run = simulateStack([request(0, 1000, 2, 0), request(0, 1000, 2, 10)], mockerModel(1000));
    // Each holds 16 blocks (15 full and a partial): 32 active.
    const ttft = prefillPoly(2000) + decodePoly(32 / 1000);
    near(run.ttftMs[0], ttft, "first request's TTFT");
    near(run.ttftMs[1], ttft, "second request's TTFT");
    near(run.itlMs[1], decodePoly(32 / 1000), "ITL");
  });

  test("a prompt cached whole prefills nothing: its first token costs one decode step", () => {
    const run = simulateStack([request(0, 1024, 1, 0), request(10_000, 1024, 1, 0)], mockerModel(1000));
    near(run.ttftMs[0], prefillPoly(1024) + decodePoly(16 / 1000), "the first, uncached");
    near(run.ttftMs[1], decodePoly(16 / 1000), "the second, all 16 blocks cached");
    assert.equal(run.hitTokens[1], 1024);
  });

  test("a cached prefix costs nothing: the pass is priced at the new tokens alone", () => {
    const shared = request(10_000, 1024, 1, 0);
    shared.hash_ids = [0, 5];
    const run = simulateStack([request(0, 1024, 1, 0), shared], mockerModel(1000));
    near(run.ttftMs[1], prefillPoly(512) + decodePoly(16 / 1000), "TTFT after a 512-token hit");
  });

  test("the lineage evictor takes the oldest leaf first, a freed request's tail before its head", () => {
    // 20 blocks. A frees its 16 full blocks tail first; C needs 16 of its own and a partial, which
    // evicts A's blocks 15 down to 3. C then frees its own. D asks for A's prompt again: blocks 0-2 remain.
    const repeat = request(2000, 1024, 1, 0);
    const run = simulateStack([request(0, 1024, 1, 0), request(1000, 1024, 1, 7), repeat], mockerModel(20));
    const step = decodePoly(16 / 20);
    near(run.ttftMs[0], prefillPoly(1024) + step, "A");
    near(run.ttftMs[1], prefillPoly(1024) + step, "C");
    assert.equal(run.hitTokens[2], 3 * BLOCK, "D finds A's first three blocks");
    near(run.ttftMs[2], prefillPoly(1024 - 3 * BLOCK) + step, "D");
  });

  test("admission is counted in blocks: a request that does not fit waits for the blocks to free", () => {
    const run = simulateStack([request(0, 1024, 1, 0), request(0, 1024, 1, 7)], mockerModel(20));
    const pass = prefillPoly(1024) + decodePoly(16 / 20);
    near(run.ttftMs[0], pass, "A, admitted");
    near(run.ttftMs[1], 2 * pass, "B, 16 blocks needed and 4 free: it waits for A's pass");
  });

  test("a block that cannot be had preempts the newest request, which is computed again from its cached blocks", () => {
    // 17 blocks; two prompts of 8 blocks each share the first pass. A takes the 17th for its first
    // token; B cannot, and preempts itself. Next pass B comes back from its cached blocks (nothing to
    // prefill) while A emits its last token and frees; B then emits its first.
    const run = simulateStack([request(0, 512, 2, 0), request(0, 512, 2, 9)], mockerModel(17));
    const first = prefillPoly(1024) + decodePoly(16 / 17);
    const full = decodePoly(17 / 17);
    near(run.ttftMs[0], first, "A's TTFT");
    near(run.itlMs[0], full, "A's ITL");
    near(run.ttftMs[1], first + full, "B's TTFT");
    near(run.itlMs[1], decodePoly(9 / 17), "B's ITL, alone with 9 blocks");
    assert.equal(run.preemptions, 1);
  });

  test("a prompt longer than a worker's whole KV is refused, as the mocker rejects it", () => {
    const run = simulateStack([request(0, 1000, 2, 0), request(0, 100, 2, 10)], mockerModel(10));
    assert.equal(run.refused, 1);
    assert.ok(Number.isNaN(run.ttftMs[0]));
    near(run.ttftMs[1], prefillPoly(100) + decodePoly(2 / 10), "the request behind it");
  });

  test("a prompt that fits but whose output outgrows the KV is refused: the mocker would preempt it for ever", () => {
    const run = simulateStack([request(0, 900, 61, 0)], mockerModel(15));
    assert.equal(run.refused, 1);
    const fits = simulateStack([request(0, 900, 60, 0)], mockerModel(15));
    assert.deepEqual([fits.refused, Number.isFinite(fits.ttftMs[0])], [0, true], "900 + 60 tokens are exactly 15 blocks");
  });

  test("a burst whose preempted requests wait for KV that prebuilt ones hold leaves those unserved, and says how many", () => {
    // The mocker admits its queue's head first: a preempted request that cannot have its blocks back holds up
    // the decode worker's prebuilt requests behind it, which hold the blocks. Every request is counted.
    const burst = Array.from({ length: 40 }, (_, i) => request(0, 4000 + 200 * i, 300 + 50 * i, 100 * i));
    const run = simulateStack(burst, mockerModel(700, { policy: "kv", decodeWorkers: 1 }));
    const served = run.latencyMs.filter((latency) => Number.isFinite(latency)).length;
    assert.ok(run.unserved > 0);
    assert.equal(served + run.refused + run.unserved, burst.length);
  });

  test("disagg: the prefill worker's pass has no decode step; the decode worker's first step emits the first token", () => {
    const model = mockerModel(1000, { policy: "kv", decodeWorkers: 1 });
    const run = simulateStack([request(0, 1000, 3, 0)], model);
    const transferMs = (1000 * model.kvBytesPerToken) / (model.transferGBps * 1e6);
    const step = decodePoly(16 / 1000);
    near(run.ttftMs[0], prefillPoly(1000) + transferMs + step, "TTFT");
    near(run.itlMs[0], step, "ITL");
  });

  test("the speedup ratio divides every time, the decode floor's included", () => {
    const slow = [0.5, 0, 0] as [number, number, number];
    const coefficients = { prefill: MOCKER_POLYNOMIAL.prefill, decode: slow };
    const capacity = 1000 * BLOCK;
    const model = mockerModel(1000, { perf: polynomialPerfModel(coefficients, capacity, "mocker", 10) });
    const run = simulateStack([request(0, 1000, 3, 0)], model);
    near(run.ttftMs[0], (prefillPoly(1000) + 1) / 10, "TTFT");
    near(run.itlMs[0], 1 / 10, "ITL at the floor");
  });
});
