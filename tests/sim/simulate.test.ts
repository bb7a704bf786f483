import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { MOCKER_POLYNOMIAL } from "../../sim/perfModel";
import { stackTimings } from "../../sim/stackTimings";
import { kvBytesPerToken, workerCapacityTokens } from "../../domain/kvCapacity";
import { PrefixCache } from "../../sim/prefixCache";
import { type StackModel } from "../../sim/stackSimulation";
import { simulateStack } from "../../sim/simulateStack";
import { capacitySweep, loadTrace, simulateTrace, SWEEP_CAPACITIES, unboundedCache } from "../../sim/traceSimulation";
import { ROUTING_POLICIES } from "../../domain/variants";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";
import { testStackModel } from "../support/stackModels";
import { MAX_CAPACITY_TOKENS, MAX_WORKERS } from "../../cli/simulation";
import { sweepChart } from "../../sim/sweepChart";
import { splitsOf, splitVerdict, type SplitPoint } from "../../sim/splitSweep";
import type { SimulationReport } from "../../sim/traceSimulation";

const tracePath = traceFile([...conversationTrace(500)]);

/** Each line series of an ECharts SVG, as the number of points its path goes through. */
function linePoints(svg = ""): number[] {
  return [...svg.matchAll(/<g clip-path="url\(#[^)]+\)">\n<path d="(M[^"]+)"/g)].map((m) => m[1].split("L").length);
}

/** The text of every <text> element of an SVG. */
const textsOf = (svg = "") => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&#39;/g, "'"));
/** A stack of routed workers and no decode pool, with the mocker's default timings. */
/** A stack with an unbounded cache, unless a test gives it one. */
const model = (overrides: Partial<StackModel> = {}): StackModel =>
  testStackModel({ engine: { ...testStackModel().engine, kvCapacityTokens: 1e12 }, ...overrides });
const withCapacity = (kvCapacityTokens: number) => ({ ...model().engine, kvCapacityTokens });
const SLOS = { time_to_first_token: 1000, inter_token_latency: 30 };

/** The same trace with arrivals a day apart: no request ever waits for another. */
async function spacedOut(path: string) {
  const trace = await loadTrace(path);
  return { ...trace, requests: trace.requests.map((request, i) => ({ ...request, timestamp: i * 86_400_000 })) };
}

describe("cache capacity from the stack's config", () => {
  test("Qwen3-32B in bf16 holds 256 KiB of KV cache per token", () => {
    assert.equal(kvBytesPerToken(parseStackConfig({ variant: "agg" }, "test")), 256 * 1024);
  });

  test("an H200 TP2 worker at 0.9 holds (2 × 141 GB × 0.9 − 65.6 GB) / 256 KiB tokens", () => {
    assert.equal(workerCapacityTokens(parseStackConfig({ variant: "agg" }, "test")), Math.floor((2 * 141e9 * 0.9 - 65.6e9) / 262_144));
    const h100 = parseStackConfig({ variant: "agg", cluster: { gpuMemoryGB: 80 } }, "test");
    assert.equal(workerCapacityTokens(h100), Math.floor((2 * 80e9 * 0.9 - 65.6e9) / 262_144));
  });
});

describe("a worker's prefix cache", () => {
  test("hits the longest cached run of blocks from the first, and evicts the least recently used", () => {
    const blocks = (ids: number[]) => ({ ids, fills: ids.map(() => 1), total: ids.length });
    const cache = new PrefixCache(3);
    cache.insert(blocks([1, 2, 3]));
    assert.equal(cache.matchPrefix(blocks([1, 2, 9])), 2);
    assert.equal(cache.matchPrefix(blocks([2, 3])), 2);
    assert.equal(cache.matchPrefix(blocks([9, 1])), 0, "a hit must start at the first block");
    cache.insert(blocks([1, 4])); // 2 and 3 are now the oldest; 2 goes
    assert.equal(cache.matchPrefix(blocks([2])), 0);
    assert.equal(cache.matchPrefix(blocks([3, 1, 4])), 3);
  });
});

describe("the simulation's properties", () => {
  test("one worker with an unbounded cache and requests that never overlap gets exactly the bound", async () => {
    const trace = await spacedOut(tracePath);
    const bound = unboundedCache(trace, 64).hitRate;
    assert.ok(bound > 0.2, `the generated trace shares prefixes (bound ${bound})`);
    assert.equal(simulateTrace(trace, model(), SLOS).hitRate, bound);
  });

  test("no policy, worker count or capacity beats the bound", async () => {
    const trace = await loadTrace(tracePath);
    const bound = unboundedCache(trace, 64).hitRate;
    for (const policy of ROUTING_POLICIES) {
      for (const routedWorkers of [1, 2, 6]) {
        for (const capacityTokens of [0, 1e5, 1e12]) {
          const { hitRate } = simulateTrace(trace, model({ policy, routedWorkers, engine: withCapacity(capacityTokens) }), SLOS);
          assert.ok(hitRate <= bound + 1e-12, `${policy} ${routedWorkers}×${capacityTokens}: ${hitRate} > ${bound}`);
        }
      }
    }
  });

  test("a larger cache never lowers a single worker's hit rate", async () => {
    const trace = await spacedOut(tracePath);
    const capacities = [0, 512, 5_000, 20_000, 100_000, 400_000, 1e6, 4e6, 1e9];
    const rates = capacities.map((capacity) => simulateTrace(trace, model({ engine: withCapacity(capacity) }), SLOS).hitRate);
    for (let i = 1; i < rates.length; i++) assert.ok(rates[i] >= rates[i - 1], `${capacities[i]}: ${rates[i]} < ${rates[i - 1]}`);
    const sweep = capacitySweep(trace, model());
    for (let i = 1; i < sweep.length; i++) assert.ok(sweep[i].hitRate >= sweep[i - 1].hitRate);
  });

  test("on a trace with shared prefixes, KV-aware routing beats round-robin and random", async () => {
    const trace = await loadTrace(tracePath);
    const at = (policy: StackModel["policy"]) =>
      simulateTrace(trace, model({ policy, routedWorkers: 6, engine: withCapacity(200_000) }), SLOS);
    const kv = at("kv");
    assert.ok(kv.hitRate > at("round-robin").hitRate + 0.05, `kv ${kv.hitRate} vs round-robin ${at("round-robin").hitRate}`);
    assert.ok(kv.hitRate > at("random").hitRate + 0.05);
    assert.ok(kv.prefillTokens.computed < at("round-robin").prefillTokens.computed);
  });

  test("round-robin spreads requests evenly, from the first worker", () => {
    const even = simulateStack([...conversationTrace(60)], model({ routedWorkers: 6 }));
    assert.deepEqual([...even.requestsPerWorker], [10, 10, 10, 10, 10, 10]);
    const first = simulateStack([...conversationTrace(1)], model({ routedWorkers: 6 }));
    assert.deepEqual([...first.requestsPerWorker], [1, 0, 0, 0, 0, 0]);
  });

  test("one simulation is deterministic for a seed", async () => {
    const trace = await loadTrace(tracePath);
    for (const policy of ["random", "kv"] as const) {
      assert.deepEqual(
        simulateTrace(trace, model({ policy, routedWorkers: 6 }), SLOS),
        simulateTrace(trace, model({ policy, routedWorkers: 6 }), SLOS),
      );
    }
  });
});

describe("simulate, as users run it", () => {
  test("each stack brings its workers, policy and capacity: agg 8 round-robin, disagg 6 prefill workers with kv", async () => {
    const agg = JSON.parse((await runCli(["simulate", "--trace", tracePath, "--stack", "agg", "--json"])).stdout);
    assert.deepEqual([agg.policy, agg.workers, agg.capacityTokensPerWorker], ["round-robin", 8, 717_926]);
    const disagg = JSON.parse((await runCli(["simulate", "--trace", tracePath, "--stack", "disagg", "--json"])).stdout);
    assert.deepEqual([disagg.policy, disagg.workers], ["kv", 6]);
    assert.equal(disagg.decodeWorkers, 2);
    assert.deepEqual(Object.keys(disagg), [
      "engineModel",
      "policy",
      "workers",
      "decodeWorkers",
      "capacityTokensPerWorker",
      "perfModel",
      "tensorParallel",
      "hitRate",
      "bound",
      "prefillTokens",
      "load",
      "cachedTokensPerWorker",
      "latency",
      "kvTransferMs",
      "goodput",
      "range",
      "requests",
      "preemptions",
      "refused",
      "unserved",
      "settings",
      "overloaded",
    ]);
    assert.equal(disagg.engineModel, "vllm");
    assert.ok(disagg.range.slow.latency.timeToFirstToken.p90 > disagg.latency.timeToFirstToken.p90);
    assert.ok(disagg.range.fast.latency.timeToFirstToken.p90 < disagg.latency.timeToFirstToken.p90);
    assert.ok(disagg.range.spans.some((span: string) => span.startsWith("disagg handoff overhead: 0–1000 ms")));
    const mock = JSON.parse((await runCli(["simulate", "--trace", tracePath, "--stack", "mock-disagg", "--json"])).stdout);
    assert.deepEqual([mock.engineModel, mock.range], ["mocker", null], "the mocker's own timings on a mock stack: an exact point");
  });

  test("a mock stack is predicted on the mocker's own timings at its speedup; a GPU stack on the default estimate", async () => {
    const mock = JSON.parse((await runCli(["simulate", "--trace", tracePath, "--stack", "mock-agg", "--json"])).stdout);
    assert.match(mock.perfModel, /^Dynamo's mocker, as the stack runs it: its default polynomials .*, 10× fast$/);
    const agg = JSON.parse((await runCli(["simulate", "--trace", tracePath, "--stack", "agg", "--json"])).stdout);
    assert.match(agg.perfModel, /AIConfigurator/);
    // The mocker divides every time by its speedup ratio, the 1 ms floor of a decode step included.
    const config = parseStackConfig({ variant: "agg", workers: { engine: "mocker", mocker: { speedupRatio: 4 } } }, "test");
    const timings = stackTimings(config, 1000);
    const [a, b, c] = MOCKER_POLYNOMIAL.prefill;
    assert.ok(Math.abs(timings.prefillMs(0, 1000) - (b * 1000 + c * 1e6) / 4) < 1e-9);
    assert.ok(Math.abs(timings.prefillPassMs - a / 4) < 1e-9);
    assert.ok(Math.abs(timings.decodeMs(0, 0) - MOCKER_POLYNOMIAL.decode[0] / 4) < 1e-9);
    // At three times the capacity the polynomial is below 0: the step is the floor, over the speedup.
    assert.equal(timings.decodeMs(3000, 0), 1 / 4);
  });

  test("--policy all shows the three policies side by side", async () => {
    const result = await runCli([
      "simulate",
      "--trace",
      tracePath,
      "--stack",
      "disagg",
      "--policy",
      "all",
      "--workers",
      "3",
      "--capacity-tokens",
      "100000",
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^policy\s+round-robin\s+random\s+kv$/m);
    assert.match(result.stdout, /^workers routed to\s+3\s+3\s+3$/m);
    assert.match(result.stdout, /^cache capacity per worker \(tokens\)\s+100,000\s+100,000\s+100,000$/m);
  });

  test("simulate sweep capacity gives the hit rate from 10^4 to 10^9 tokens, as a table and an SVG chart", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "dynamo-bench-sweep-")), "sweep.svg");
    const result = await runCli([
      "simulate",
      "sweep",
      "capacity",
      "--trace",
      tracePath,
      "--stack",
      "agg",
      "--workers",
      "1",
      "--chart",
      chart,
    ]);
    assert.equal(result.status, 0, result.stderr);
    // A worker of 10,000 tokens holds none of the trace's longest requests: refused, and said so.
    assert.match(result.stdout, /^\s+10,000\s+[\d.]+%\s+[\d.]+%\s+[1-9][\d,]*$/m);
    assert.match(result.stdout, /^requests refused: those a worker of that capacity cannot hold/m);
    // All of it: a request in the same pass as an earlier one with its prefix finds the blocks that pass scheduled, as in vLLM.
    assert.match(result.stdout, /^\s+1,000,000,000\s+[\d.]+%\s+100\.0%\s+0$/m);
    assert.equal(SWEEP_CAPACITIES[0], 1e4);
    assert.equal(SWEEP_CAPACITIES.at(-1), 1e9);
    assert.match(readFileSync(chart, "utf8"), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  test("--policy all draws a line per policy, in %, with the bound and the stack's capacity marked, on white", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "dynamo-bench-sweep-")), "charts", "sweep.svg");
    const result = await runCli([
      "simulate",
      "sweep",
      "capacity",
      "--trace",
      tracePath,
      "--stack",
      "agg",
      "--policy",
      "all",
      "--workers",
      "2",
      "--chart",
      chart,
      "--json",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const { bound, capacityTokensPerWorker } = JSON.parse(result.stdout);
    assert.equal(capacityTokensPerWorker, 717_926, "agg's own capacity, from its GPUs and model");
    const svg = readFileSync(chart, "utf8");
    assert.deepEqual(linePoints(svg), [11, 11, 11], "three policies, 11 capacities each");
    const texts = textsOf(svg);
    for (const policy of ROUTING_POLICIES) assert.ok(texts.includes(policy), `legend names ${policy}`);
    assert.ok(texts.includes("the stack: 717,926"), texts.join(" | "));
    assert.ok(texts.includes(`bound ${(bound * 100).toFixed(1)}%`));
    for (const tick of ["0%", "20%", "40%", "60%", "80%", "100%"]) assert.ok(texts.includes(tick), `y-axis tick ${tick}`);
    assert.match(
      svg,
      /^<svg width="(\d+)" height="(\d+)"[^>]*>\n<rect width="\1" height="\2" x="0" y="0" fill="#ffffff"><\/rect>/,
      "an opaque white background",
    );
    assert.equal(svg.match(/stroke="#999"[^>]* stroke-dasharray/g)?.length, 2, "two dashed guides: the bound and the capacity");
  });

  test("the capacity line marks --capacity-tokens when it is given; one policy draws one line", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "dynamo-bench-sweep-")), "sweep.svg");
    assert.equal(
      (
        await runCli([
          "simulate",
          "sweep",
          "capacity",
          "--trace",
          tracePath,
          "--stack",
          "disagg",
          "--capacity-tokens",
          "2000",
          "--chart",
          chart,
        ])
      ).status,
      0,
    );
    const texts = textsOf(readFileSync(chart, "utf8"));
    assert.ok(texts.includes("--capacity-tokens: 2,000"), texts.join(" | "));
    assert.ok(texts.includes("kv") && !texts.includes("round-robin"), "one policy, the stack's, when --policy is not all");
  });

  test("a capacity of 0 has no place on a log axis: the chart says so instead of drawing it", () => {
    const svg = sweepChart({
      title: "t",
      sweeps: [
        {
          policy: "kv",
          points: [
            { capacityTokens: 1e4, hitRate: 0.1, refused: 0 },
            { capacityTokens: 1e9, hitRate: 0.5, refused: 0 },
          ],
        },
      ],
      bound: 0.6,
      capacityTokens: 0,
      capacityFrom: "the stack",
    });
    const texts = textsOf(svg);
    assert.ok(texts.includes("the capacity per worker from the stack, 0 tokens per worker, has no place on a log axis"), texts.join(" | "));
    assert.equal(svg.match(/stroke-dasharray/g)?.length, 1, "the bound alone");
  });

  test("bad options are named, with no stack trace", async () => {
    for (const [args, message] of [
      [["--workers", "0"], /--workers: must be a whole number ≥ 1/],
      [["--workers", "two"], /--workers: must be a whole number ≥ 1/],
      [
        ["--policy", "least-loaded"],
        /^error: option '--policy <policy>' argument 'least-loaded' is invalid\. Allowed choices are round-robin, random, kv, all\.\n/,
      ],
      [["--capacity-tokens", "-5"], /--capacity-tokens: must be a whole number ≥ 0/],
      [["--workers", "1000000000"], /^error: --workers: must be at most 4,096\n$/],
      [["--workers", String(MAX_WORKERS + 1)], /^error: --workers: must be at most 4,096\n$/],
      [["--capacity-tokens", "1e13"], /^error: --capacity-tokens: must be at most 1,000,000,000,000\n$/],
      [["--capacity-tokens", "1e300"], /^error: --capacity-tokens: must be /],
    ] as const) {
      const result = await runCli(["simulate", "--trace", tracePath, "--stack", "agg", ...args]);
      assert.equal(result.status, 1, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
    assert.match((await runCli(["simulate", "--stack", "agg"])).stderr, /--trace: give the trace file/);
  });

  test("the largest --workers and --capacity-tokens allowed still run", async () => {
    const result = await runCli([
      "simulate",
      "--trace",
      tracePath,
      "--stack",
      "agg",
      "--workers",
      String(MAX_WORKERS),
      "--capacity-tokens",
      String(MAX_CAPACITY_TOKENS),
      "--json",
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual([JSON.parse(result.stdout).workers, JSON.parse(result.stdout).capacityTokensPerWorker], [4096, 1e12]);
  });

  test("--chart is a sweep's: simulate refuses it, and writes nothing", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "dynamo-bench-sweep-")), "sweep.svg");
    const result = await runCli(["simulate", "--trace", tracePath, "--stack", "agg", "--chart", chart]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: unknown option '--chart'\n/);
    assert.equal(existsSync(chart), false);
  });

  test("--chart naming a folder, or a path through a file, is one line naming --chart", async () => {
    const folder = mkdtempSync(join(tmpdir(), "dynamo-bench-sweep-"));
    for (const [chart, message] of [
      [folder, /^error: --chart .*: is a directory; give a file path\n$/],
      [join(tracePath, "sweep.svg"), /^error: --chart .*: cannot write it \(.+\)\n$/],
    ] as const) {
      const result = await runCli([
        "simulate",
        "sweep",
        "capacity",
        "--trace",
        tracePath,
        "--stack",
        "agg",
        "--workers",
        "1",
        "--chart",
        chart,
      ]);
      assert.equal(result.status, 1, chart);
      assert.match(result.stderr, message);
    }
  });
});

describe("simulate sweep split", () => {
  test("the splits of 16 GPUs at TP 2 are agg and 1P7D to 7P1D", () => {
    assert.deepEqual(
      splitsOf(16, 2).map((split) => split.label),
      ["agg 8", "1P7D", "2P6D", "3P5D", "4P4D", "5P3D", "6P2D", "7P1D"],
    );
    assert.deepEqual(
      splitsOf(2, 2).map((split) => split.label),
      ["agg 1"],
      "one worker cannot be split",
    );
  });

  test("the best split serves the most requests within the SLOs; ties go to the lower TTFT p90", () => {
    const point = (label: string, fraction: number, ttftP90: number) => ({
      split: { label, prefill: 1, decode: 1 },
      report: {
        goodput: { fraction },
        latency: { timeToFirstToken: { p90: ttftP90 }, interTokenLatency: { p90: 10 } },
      } as unknown as SimulationReport,
    });
    const verdict = splitVerdict([point("a", 0.5, 100), point("b", 0.7, 900), point("c", 0.7, 800)]);
    assert.equal(verdict.kind === "best" && verdict.point.split.label, "c");
  });

  test("names a best split only when it wins at the point and at both ends of the range; otherwise the splits that tie", () => {
    const end = (goodput: number) => ({ goodput, latency: { timeToFirstToken: { p90: 500 }, interTokenLatency: { p90: 10 } } });
    const point = (label: string, goodput: [number, number, number]): SplitPoint => ({
      split: { label, prefill: 1, decode: 1 },
      report: {
        goodput: { fraction: goodput[0] },
        latency: { timeToFirstToken: { p90: 500 }, interTokenLatency: { p90: 10 } },
        range: { fast: end(goodput[1]), slow: end(goodput[2]), spans: ["decode timing"] },
      } as unknown as SimulationReport,
    });
    const robust = splitVerdict([point("6P2D", [0.8, 0.9, 0.6]), point("7P1D", [0.7, 0.85, 0.5])]);
    assert.equal(robust.kind === "best" && robust.point.split.label, "6P2D");
    const flips = splitVerdict([point("6P2D", [0.8, 0.9, 0.5]), point("7P1D", [0.7, 0.85, 0.6])]);
    assert.equal(flips.kind, "tie");
    assert.deepEqual(flips.kind === "tie" && flips.where, ["6P2D wins at the point and the fast end", "7P1D wins at the slow end"]);
  });

  test("prints each split's predicted TTFT, ITL and goodput, names the best, and draws them", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "dynamo-bench-split-")), "split.svg");
    const result = await runCli(["simulate", "sweep", "split", "--trace", tracePath, "-s", "disagg", "--chart", chart]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^16 GPUs at TP 2, kv routing:$/m);
    for (const label of ["agg 8", "1P7D", "4P4D", "7P1D"])
      assert.match(result.stdout, new RegExp(`^${label}( \\(best\\))?\\s+[\\d,.]+ / `, "m"));
    const best = /best for the SLOs: (agg 8|\dP\dD), with [\d.]+% of requests within them, at the point and at both ends of the range/;
    const tie = /no split wins across the range: .+/;
    assert.match(result.stdout, new RegExp(`^(${best.source}|${tie.source})$`, "m"));
    assert.ok((result.stdout.match(/\(best\)/g)?.length ?? 0) <= 1);
    const texts = textsOf(readFileSync(chart, "utf8"));
    for (const label of ["goodput", "TTFT p90 (ms)", "ITL p90 (ms)", "7P1D"]) assert.ok(texts.includes(label), texts.join(" | "));
    const json = JSON.parse((await runCli(["simulate", "sweep", "split", "--trace", tracePath, "-s", "disagg", "--json"])).stdout);
    assert.equal(json.splits.length, 8);
    assert.equal(json.best, result.stdout.match(/best for the SLOs: ([^,]+),/)?.[1] ?? null);
    assert.equal(json.tied.length > 0, json.best === null);
    assert.deepEqual(Object.keys(json.splits[1]).slice(0, 5), ["split", "prefill", "decode", "engineModel", "policy"]);
  });

  test("simulate's options given before `sweep` are refused, not dropped", async () => {
    for (const [args, message] of [
      [["simulate", "--policy", "kv", "sweep", "capacity", "--trace", tracePath, "-s", "agg"], /^error: --policy: give the options after/],
      [["simulate", "--trace", tracePath, "--json", "sweep", "split", "-s", "disagg"], /^error: --trace, --json: give the options after/],
    ] as const) {
      const result = await runCli([...args]);
      assert.equal(result.status, 1, args.join(" "));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
    }
  });

  test("refuses what the sweep sets itself, in one line", async () => {
    for (const [args, message] of [
      [["--workers", "4"], /^error: unknown option '--workers'\n/],
      [
        ["--policy", "all"],
        /^error: option '--policy <policy>' argument 'all' is invalid\. Allowed choices are round-robin, random, kv\.\n/,
      ],
    ] as const) {
      const result = await runCli(["simulate", "sweep", "split", "--trace", tracePath, "-s", "disagg", ...args]);
      assert.equal(result.status, 1, args.join(" "));
      assert.match(result.stderr, message);
    }
  });
});
