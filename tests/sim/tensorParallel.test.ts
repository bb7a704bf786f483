import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { workerCapacityTokens } from "../../domain/kvCapacity";
import { AIC_QWEN3_32B_H200 } from "../../sim/defaultProfile";
import { loadProfile } from "../../sim/loadProfile";
import { profileTimings, stackTimings } from "../../sim/stackTimings";
import { TP_SCALING, tpAdjustment } from "../../sim/tensorParallel";
import { conversationTrace, writeTrace } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-tp-"));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const stack = (engine: "vllm" | "mocker", tensorParallelSize: number) =>
  parseStackConfig({ variant: "agg", workers: { engine, tensorParallelSize, decode: { replicas: 2 } } }, "test");

/** One request of `tokens` prompt tokens alone, and one decode step at `activeKv` tokens in use. */
const timings = (engine: "vllm" | "mocker", tp: number, tokens = 5000, activeKv = 50_000) => {
  const config = stack(engine, tp);
  const perf = stackTimings(config, workerCapacityTokens(config));
  return { perf, prefill: perf.prefillPassMs + perf.prefillMs(0, tokens), decode: perf.decodeMs(activeKv, 2000) };
};

const stackFile = (dir: string, tp: number) => {
  const path = join(dir, `Pulumi.tp${tp}.yaml`);
  writeFileSync(
    path,
    "config:\n  dynamo-bench:variant: agg\n" + `  dynamo-bench:workers:\n    tensorParallelSize: ${tp}\n    decode:\n      replicas: 2\n`,
  );
  return path;
};

describe("timings follow the stack's tensor-parallel size", () => {
  test("the assumed rule: (to / from)^k, 1.8 for prefill from TP 1 to 2, a weaker decode factor, and its range around it", () => {
    const prefill = tpAdjustment("prefill", 1, 2);
    assert.ok(Math.abs(prefill.speedup - 1.8) < 1e-12);
    assert.deepEqual([prefill.low, prefill.high, prefill.basis], [2 ** 0.7, 2, "scaled"]);
    const decode = tpAdjustment("decode", 2, 4);
    assert.equal(decode.speedup, 2 ** TP_SCALING.decode.exponent);
    assert.ok(decode.speedup < tpAdjustment("prefill", 2, 4).speedup, "decode gains less from more GPUs than prefill");
    const down = tpAdjustment("decode", 2, 1);
    assert.ok(down.low <= down.speedup && down.speedup <= down.high && down.high < 1, JSON.stringify(down));
    assert.deepEqual(tpAdjustment("prefill", 4, 4), { fromTp: 4, speedup: 1, low: 1, high: 1, basis: "as-given" });
    assert.equal(tpAdjustment("prefill", null, 4).basis, "tp-unknown");
  });

  test("default timings at TP 1, 2, 4 and 8: prefill and decode both faster with each step up, decode by less", () => {
    const [tp1, tp2, tp4, tp8] = [1, 2, 4, 8].map((tp) => timings("vllm", tp));
    for (const [slower, faster] of [
      [tp1, tp2],
      [tp2, tp4],
      [tp4, tp8],
    ]) {
      assert.ok(faster.prefill < slower.prefill, `${faster.perf.describe}: prefill ${faster.prefill} ≥ ${slower.prefill}`);
      assert.ok(faster.decode < slower.decode, `${faster.perf.describe}: decode ${faster.decode} ≥ ${slower.decode}`);
      assert.ok(slower.decode / faster.decode < slower.prefill / faster.prefill);
    }
  });

  test("the estimate's own TP is used as published: prefill at TP 1, decode at TP 2", () => {
    const { prefill_isl, prefill_ttft } = AIC_QWEN3_32B_H200.prefill;
    const kvAt = AIC_QWEN3_32B_H200.decode.x_kv_usage[1] * AIC_QWEN3_32B_H200.decode.max_kv_tokens;
    const one = timings("vllm", 1, prefill_isl[1]).perf;
    assert.ok(Math.abs(one.prefillPassMs + one.prefillMs(0, prefill_isl[1]) - prefill_ttft[1]) < 1e-9);
    assert.equal(timings("vllm", 2).perf.decodeMs(kvAt, 350), 17.071);
  });

  test("the description names the TP the timings were for and the scaling, with its range; nothing is scaled silently", () => {
    const { perf } = timings("vllm", 4);
    assert.match(perf.describe, /^AIConfigurator's H200 estimate for Qwen3-32B/);
    assert.match(perf.describe, /prefill at TP 1 scaled to TP 4 ×3\.24 faster \(assumed: \(4\/1\)\^0\.85, range ×2\.64–×4\.00\)/);
    assert.match(perf.describe, /decode at TP 2 scaled to TP 4 ×1\.52 faster \(assumed: \(4\/2\)\^0\.60, range ×1\.23–×1\.87\)/);
    assert.deepEqual(
      { stackTp: perf.tensorParallel?.stackTp, prefill: perf.tensorParallel?.prefill.fromTp, decode: perf.tensorParallel?.decode.fromTp },
      { stackTp: 4, prefill: 1, decode: 2 },
    );
    assert.match(timings("vllm", 2).perf.describe, /prefill at TP 1 scaled to TP 2 ×1\.80 faster .*; decode at TP 2 as given$/);
  });

  test("a mock stack's timings are the mocker's, which take no TP: only the KV capacity differs", () => {
    const [two, four] = [2, 4].map((tp) => {
      const config = stack("mocker", tp);
      const capacity = workerCapacityTokens(config);
      const perf = stackTimings(config, capacity);
      return { perf, prefill: perf.prefillMs(0, 5000), decode: perf.decodeMs(capacity / 2, 2000) };
    });
    assert.equal(two.prefill, four.prefill);
    assert.equal(two.decode, four.decode, "the same fraction of KV in use, the same step");
    assert.match(four.perf.describe, /\(ai-dynamo\/dynamo perf_model\.rs; they take no TP, so TP 4 sets only the KV capacity\), 1× fast$/);
    assert.equal(four.perf.tensorParallel?.prefill.basis, "tp-free");
  });

  test("a profiler's JSON whose prefill throughput per GPU says TP 4 is used as is at TP 4, and scaled for TP 2", () => {
    const dir = scratch();
    const isl = [100, 5000, 10_000];
    const ttft = [20, 400, 900];
    const tp = 4;
    const prefill = { prefill_isl: isl, prefill_ttft: ttft, prefill_thpt_per_gpu: isl.map((n, i) => ((n / ttft[i]) * 1000) / tp) };
    const decode = { x_kv_usage: [0.1, 0.5], y_context_length: [1000, 1000], z_itl: [10, 20], max_kv_tokens: 100_000 };
    writeFileSync(join(dir, "prefill_raw_data.json"), JSON.stringify(prefill));
    writeFileSync(join(dir, "decode_raw_data.json"), JSON.stringify(decode));
    const profile = loadProfile(dir);
    assert.deepEqual(profile.tp, { prefill: 4, decode: null });
    const atFour = profileTimings(profile, 4);
    assert.equal(atFour.prefillPassMs + atFour.prefillMs(0, 5000), 400);
    assert.equal(atFour.decodeMs(10_000, 1000), 10);
    assert.match(atFour.describe, /prefill at TP 4 as given; decode used as is at TP 4 \(its source does not say which TP it is for\)$/);
    const atTwo = profileTimings(profile, 2);
    assert.ok(Math.abs(atTwo.prefillPassMs + atTwo.prefillMs(0, 5000) - 400 / 0.5 ** TP_SCALING.prefill.exponent) < 1e-9);
    assert.match(atTwo.describe, /prefill at TP 4 scaled to TP 2 ×1\.80 slower \(assumed: \(2\/4\)\^0\.85, range ×1\.62–×2\.00\)/);
    writeFileSync(join(dir, "prefill_raw_data.json"), JSON.stringify({ ...prefill, prefill_thpt_per_gpu: [1, 2, 3] }));
    assert.equal(loadProfile(dir).tp?.prefill, null, "points that agree on no whole number of GPUs say no TP");
  });

  test("simulate: TP 1, 2, 4 and 8 stacks predict lower TTFT and ITL with each step up, and say why", async () => {
    const dir = scratch();
    const trace = join(dir, "trace.jsonl");
    await writeTrace(trace, conversationTrace(200));
    const reports = [];
    for (const tp of [1, 2, 4, 8]) {
      const result = await runCli(["simulate", "--trace", trace, "--config-file", stackFile(dir, tp), "--json"]);
      assert.equal(result.status, 0, result.stderr);
      reports.push(JSON.parse(result.stdout));
    }
    for (let i = 1; i < reports.length; i++) {
      const [before, now] = [reports[i - 1], reports[i]];
      assert.ok(now.latency.timeToFirstToken.p50 < before.latency.timeToFirstToken.p50, now.perfModel);
      assert.ok(now.latency.interTokenLatency.p50 < before.latency.interTokenLatency.p50, now.perfModel);
    }
    assert.equal(reports[3].tensorParallel.stackTp, 8);
    assert.equal(reports[3].tensorParallel.decode.basis, "scaled");
    assert.ok(reports[3].tensorParallel.decode.low < reports[3].tensorParallel.decode.speedup);
    const text = await runCli(["simulate", "--trace", trace, "--config-file", stackFile(dir, 8)]);
    assert.match(text.stdout, /^engine timings: .*prefill at TP 1 scaled to TP 8 ×5\.83 faster \(assumed/m);
  });

  test("a calibration of another TP is refused in one line; one that says no TP is taken as the stack's, with a warning", async () => {
    const dir = scratch();
    const trace = join(dir, "trace.jsonl");
    await writeTrace(trace, conversationTrace(30));
    const file = (tensorParallelSize?: number) => {
      const path = join(dir, `calibration-${tensorParallelSize ?? "none"}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          kind: "dynamo-bench calibration",
          schemaVersion: 1,
          from: { run: "r", stack: "agg", trace: "t", records: 1, ...(tensorParallelSize !== undefined && { tensorParallelSize }) },
          prefill: [12, 0.03, 0],
          decode: [8, 30, 0],
          kvCapacityTokens: 99_968,
          intervals: {
            method: "resampled-restarts",
            refits: 10,
            kept: 10,
            seed: 1,
            startSpread: 0.2,
            coefficients: {
              a: { low: 12, high: 12 },
              b: { low: 0.03, high: 0.03 },
              c: { low: 0, high: 0 },
              d: { low: 8, high: 8 },
              e: { low: 30, high: 30 },
            },
          },
          iterations: 1,
          fittedRequests: { ttft: 1, itl: 1 },
          error: { ttftP50: 0, ttftP90: 0, itlP50: 0, itlP90: 0 },
        }),
      );
      return path;
    };
    const run = (calibration: string, tp: number) =>
      runCli(["simulate", "--trace", trace, "--config-file", stackFile(dir, tp), "--calibration", calibration, "--json"]);
    const other = await run(file(4), 2);
    assert.equal(other.status, 1);
    assert.match(
      other.stderr,
      /^error: --calibration: .*: fitted to a run at TP 4, and this stack runs TP 2: calibrate from a run at TP 2/,
    );
    assert.doesNotMatch(other.stderr, STACK_TRACE);
    const same = await run(file(4), 4);
    assert.equal(same.status, 0, same.stderr);
    assert.equal(same.stderr, "");
    assert.match(JSON.parse(same.stdout).perfModel, /^calibrated from r \(agg\) at TP 4, whose/);
    assert.equal(JSON.parse(same.stdout).tensorParallel.prefill.basis, "as-given");
    const unsaid = await run(file(), 2);
    assert.equal(unsaid.status, 0, unsaid.stderr);
    assert.match(unsaid.stderr, /^warning: --calibration: the file does not say which TP it was fitted at .* this stack's TP 2\n$/);
    assert.match(
      JSON.parse(unsaid.stdout).perfModel,
      /^calibrated from r \(agg\) at a TP it does not record, taken as this stack's 2, whose/,
    );
  });
});
