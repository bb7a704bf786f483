import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { workerCapacityTokens } from "../../domain/kvCapacity";
import { polynomialPerfModel, type PolynomialCoefficients } from "../../sim/perfModel";
import { stackModel } from "../../sim/stackModel";
import { simulateStack } from "../../sim/simulateStack";
import { loadTrace } from "../../sim/traceSimulation";
import { percentile } from "../../analysis/summary/statistics";
import { recordLine } from "../support/aiperfArtifacts";
import { runCli, STACK_TRACE } from "../support/cli";
import { matchRecords } from "../../sim/recordMatching";
import { leastSquares, nonNegativeLeastSquares, standardErrors } from "../../sim/calibration";
import { conversationTrace, random, traceFile } from "../support/traceFixtures";

/** agg, round-robin as the recipe's, on 4 workers of 80 GB GPUs: busy enough that KV in use varies. */
const STACK =
  "config:\n  dynamo-bench:variant: agg\n" +
  "  dynamo-bench:workers:\n    decode:\n      replicas: 4\n" +
  "  dynamo-bench:cluster:\n    gpuMemoryGB: 80\n";
const TRUTH: PolynomialCoefficients = { prefill: [12, 0.03, 6e-7], decode: [8, 30, 0] };
const NOISE = 0.02;

const scratch = () => mkdtempSync(join(tmpdir(), "dynamo-bench-calibration-"));

/** A run "measured" from the model with known timings, each TTFT and ITL off by a seeded ±2% (σ) noise. */
async function syntheticRun(requests = 3000, stack = STACK) {
  const dir = scratch();
  const stackFile = join(dir, "Pulumi.test.yaml");
  writeFileSync(stackFile, stack);
  const tracePath = traceFile([...conversationTrace(requests)]);
  const config = stackConfigFromFile(stackFile);
  const capacity = workerCapacityTokens(config);
  const model = stackModel(config, polynomialPerfModel(TRUTH, capacity, "truth"), { overlapWeight: 1, temperature: 0, seed: 1 });
  const trace = await loadTrace(tracePath);
  const run = simulateStack(trace.requests, model);
  const uniform = random(11);
  const noise = () => 1 + NOISE * (Array.from({ length: 12 }, uniform).reduce((a, b) => a + b) - 6);
  const measured = trace.requests.map((request, i) => {
    const ttft = run.ttftMs[i] * noise();
    // A request lasts at least until its first token, as aiperf's own timestamps hold it: noise may not put TTFT past it.
    return {
      startMs: request.timestamp,
      endMs: request.timestamp + Math.max(run.latencyMs[i], ttft),
      ttft,
      itl: Number.isNaN(run.itlMs[i]) ? undefined : run.itlMs[i] * noise(),
      isl: request.input_length,
      osl: request.output_length,
    };
  });
  const artifacts = join(dir, "artifacts");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(artifacts);
  writeFileSync(join(artifacts, "profile_export.jsonl"), measured.map((spec) => recordLine(spec)).join("\n") + "\n");
  return { dir, artifacts, stackFile, tracePath, measured };
}

const within = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) <= tolerance * Math.abs(expected);

describe("calibrate: a round trip", () => {
  // A quarter of what the recipe's run replays (12,031 requests): enough to hold every coefficient to 5%.
  // The round trip at the full size, over four traces and two noise seeds, is bench/calibrate.ts.
  test("fitting records made from known timings recovers the timings, and the p50 and p90, within 5%", async () => {
    const { artifacts, stackFile, tracePath, measured } = await syntheticRun(3_000);
    const result = await runCli(["calibrate", artifacts, "--trace", tracePath, "--config-file", stackFile]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "", "a firm fit gives no warning");
    assert.match(result.stdout, /^fitted 3,000 TTFTs and [\d,]+ ITLs of .* \(round-robin routing\) in \d+ step\(s\):$/m);
    const calibration = JSON.parse(readFileSync(join(artifacts, "calibration.json"), "utf8"));
    const fitted = [...calibration.prefill, ...calibration.decode.slice(0, 2)];
    const truth = [...TRUTH.prefill, ...TRUTH.decode.slice(0, 2)];
    fitted.forEach((value, k) => assert.ok(within(value, truth[k], 0.05), `coefficient ${k}: ${value} against ${truth[k]}`));
    assert.equal(calibration.decode[2], 0);
    assert.equal(calibration.from.tensorParallelSize, 2, "the TP of the run fitted, the stack's");
    for (const error of Object.values(calibration.error) as number[]) assert.ok(Math.abs(error) < 0.05, JSON.stringify(calibration.error));

    const predicted = JSON.parse(
      (
        await runCli([
          "simulate",
          "--trace",
          tracePath,
          "--config-file",
          stackFile,
          "--calibration",
          join(artifacts, "calibration.json"),
          "--json",
        ])
      ).stdout,
    );
    assert.match(predicted.perfModel, /^calibrated from /);
    const sorted = (values: number[]) => Float64Array.from(values).sort();
    const ttft = sorted(measured.map((m) => m.ttft));
    const itl = sorted(measured.flatMap((m) => (m.itl === undefined ? [] : [m.itl])));
    for (const [name, got, want] of [
      ["TTFT p50", predicted.latency.timeToFirstToken.p50, percentile(ttft, 50)],
      ["TTFT p90", predicted.latency.timeToFirstToken.p90, percentile(ttft, 90)],
      ["ITL p50", predicted.latency.interTokenLatency.p50, percentile(itl, 50)],
      ["ITL p90", predicted.latency.interTokenLatency.p90, percentile(itl, 90)],
    ] as const) {
      assert.ok(within(got, want, 0.05), `${name}: predicted ${got}, measured ${want}`);
    }
  });
});

describe("the least-squares steps of the fit", () => {
  test("a line through three points, with the textbook standard errors", () => {
    const system = {
      rows: [
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      targets: [1, 3, 2],
    };
    const fitted = leastSquares(system.rows, system.targets);
    assert.ok(within(fitted[0], 1.5, 1e-9) && within(fitted[1], 0.5, 1e-9), String(fitted));
    // σ² = 1.5 / (3 − 2); (XᵀX)⁻¹ = [[5/6, −1/2], [−1/2, 1/2]].
    const errors = standardErrors(system, fitted);
    assert.ok(within(errors[0], Math.sqrt(1.25), 1e-9) && within(errors[1], Math.sqrt(0.75), 1e-9), String(errors));
  });

  test("a column no row touches gets 0, and a negative coefficient is held at 0 while the rest are refitted", () => {
    assert.deepEqual(
      leastSquares(
        [
          [1, 0],
          [2, 0],
        ],
        [2, 4],
      ).map((value) => Number(value.toFixed(9))),
      [2, 0],
    );
    // Unconstrained, y = 3 − x; x's coefficient held at 0 leaves the mean.
    const fitted = nonNegativeLeastSquares({
      rows: [
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      targets: [3, 2, 1],
    });
    assert.deepEqual(
      fitted.map((value) => Number(value.toFixed(9))),
      [2, 0],
    );
  });
});

/** disagg with one decode worker for three prefill workers: requests queue for decode KV for minutes, so TTFT is nearly all wait. */
const DECODE_BOUND =
  "config:\n  dynamo-bench:variant: disagg\n  dynamo-bench:frontend:\n    routerMode: kv\n" +
  "  dynamo-bench:workers:\n    prefill:\n      replicas: 3\n    decode:\n      replicas: 1\n" +
  "  dynamo-bench:cluster:\n    gpuMemoryGB: 80\n";

describe("calibrate: coefficients a run cannot show", () => {
  test("a run whose TTFT is queueing for decode is fitted, its prefill terms named as undetermined, then and in later use", async () => {
    const { artifacts, stackFile, tracePath } = await syntheticRun(1000, DECODE_BOUND);
    const result = await runCli(["calibrate", artifacts, "--trace", tracePath, "--config-file", stackFile]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^warning: this run hardly determines a, b, c \(a standard error over half the value\): /m);
    const calibration = JSON.parse(readFileSync(join(artifacts, "calibration.json"), "utf8"));
    assert.deepEqual(calibration.undetermined, ["a", "b", "c"], "the decode terms are pinned");
    const predicted = await runCli([
      "simulate",
      "--trace",
      tracePath,
      "--config-file",
      stackFile,
      "--calibration",
      join(artifacts, "calibration.json"),
      "--json",
    ]);
    assert.match(JSON.parse(predicted.stdout).perfModel, /, though the run hardly determined a, b, c$/);
  });
});

describe("calibrate: a fit that leaves a polynomial no time", () => {
  test("TTFTs too short for any prefill drive the prefill terms to 0, and all three are named as undetermined", async () => {
    const dir = scratch();
    const requests = [...conversationTrace(300)];
    const tracePath = traceFile(requests);
    const records = requests.map((request) =>
      recordLine({ startMs: request.timestamp, endMs: request.timestamp + 900, ttft: 1e-9, itl: 10, isl: request.input_length, osl: 50 }),
    );
    writeFileSync(join(dir, "profile_export.jsonl"), records.join("\n") + "\n");
    const result = await runCli(["calibrate", dir, "--trace", tracePath, "-s", "agg"]);
    assert.equal(result.status, 0, result.stderr);
    const calibration = JSON.parse(readFileSync(join(dir, "calibration.json"), "utf8"));
    assert.deepEqual(calibration.prefill, [0, 0, 0]);
    assert.deepEqual(calibration.undetermined.slice(0, 3), ["a", "b", "c"]);
    assert.match(result.stderr, /^warning: this run hardly determines a, b, c\b/m);
  });
});

describe("calibrate: what it refuses", () => {
  test("a folder with no records, a run with no stack, a trace the run did not replay, an existing calibration", async () => {
    const { dir, artifacts, stackFile, tracePath } = await syntheticRun(500);
    const cases: [string[], RegExp][] = [
      [[scratch(), "--trace", tracePath, "-s", "agg"], /holds no profile_export\.jsonl, in it or in artifacts\//],
      [[dir, "--trace", tracePath], /has no run\.json that names its stack; give -s <stack> or --config-file/],
      [
        [artifacts, "--trace", traceFile([...conversationTrace(100)]), "--config-file", stackFile],
        /400 of 500 records match no trace request at their place in the schedule .*: the run did not replay this trace$/m,
      ],
      [
        [artifacts, "--trace", traceFile([...conversationTrace(500, { seed: 99 })]), "--config-file", stackFile],
        /of 500 records match no trace request at their place in the schedule \(within 1 s, input length within 10%\)/,
      ],
      [[artifacts, "--trace", tracePath, "--config-file", stackFile, "--policy", "kv"], /unknown option '--policy'/],
      [[artifacts, "--trace", tracePath, "--config-file", stackFile, "--json"], /unknown option '--json'/],
      [[join(dir, "nowhere"), "--trace", tracePath, "-s", "agg"], /^error: .*nowhere: no such directory$/m],
      [
        [artifacts, "--trace", tracePath, "--config-file", stackFile, "--out", tracePath],
        /exists; a calibration is never written over: remove it, or give another --out$/m,
      ],
    ];
    const existing: [string[], RegExp] = [
      [artifacts, "--trace", tracePath, "--config-file", stackFile],
      /calibration\.json exists; .* give --out <file>/,
    ];
    for (const [args, message] of [...cases, existing]) {
      if (args === existing[0]) writeFileSync(join(artifacts, "calibration.json"), "{}");
      const result = await runCli(["calibrate", ...args]);
      assert.equal(result.status, 1, args.join(" "));
      assert.match(result.stderr, message);
      assert.ok(result.stderr.split("\n").length <= 3, "one line, and where the usage is");
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
    assert.equal(readFileSync(join(artifacts, "calibration.json"), "utf8"), "{}", "left as it was");
  });

  test("too few records to fit five coefficients are refused", async () => {
    const dir = scratch();
    const tracePath = traceFile([...conversationTrace(50)]);
    const records = [...conversationTrace(50)].map((request) =>
      recordLine({ startMs: request.timestamp, endMs: request.timestamp + 900, ttft: 100, itl: 10, isl: request.input_length, osl: 5 }),
    );
    writeFileSync(join(dir, "profile_export.jsonl"), records.join("\n") + "\n");
    const result = await runCli(["calibrate", dir, "--trace", tracePath, "-s", "agg"]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^error: calibrate: 50 record\(s\) of a successful request with a TTFT above 0; five coefficients need at least 100/,
    );
  });

  test("a run with no ITLs is refused: the decode step is fitted to them", async () => {
    const dir = scratch();
    const requests = [...conversationTrace(300)];
    const tracePath = traceFile(requests);
    const records = requests.map((request) =>
      recordLine({ startMs: request.timestamp, endMs: request.timestamp + 900, ttft: 100, isl: request.input_length, osl: 5 }),
    );
    writeFileSync(join(dir, "profile_export.jsonl"), records.join("\n") + "\n");
    const result = await runCli(["calibrate", dir, "--trace", tracePath, "-s", "agg"]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^error: calibrate: 0 record\(s\) with an inter_token_latency above 0, .* two coefficients .* at least 100$/m,
    );
  });

  test("-s that contradicts the run's run.json is refused; a run.json that cannot be read or names no stack file is said so", async () => {
    const { dir, artifacts, tracePath } = await syntheticRun(300);
    const runJson = (text: string) => writeFileSync(join(dir, "run.json"), text);
    const fit = async (...args: string[]) => await runCli(["calibrate", artifacts, "--trace", tracePath, ...args]);
    runJson(JSON.stringify({ stack: "agg", variant: "agg", runId: "0123abcd", jobName: "agg-8xtp2-benchmark-0123abcd" }));
    const otherFile = join(dir, "Pulumi.other.yaml");
    writeFileSync(otherFile, "config:\n  dynamo-bench:variant: disagg\n");
    const otherVariant = await fit("--config-file", otherFile);
    assert.equal(otherVariant.status, 1);
    assert.match(
      otherVariant.stderr,
      /^error: calibrate: .* is a run of agg, agg \(its run\.json says so\), but the stack given is disagg/m,
    );
    const contradicted = await fit("-s", "disagg");
    assert.equal(contradicted.status, 1);
    assert.match(contradicted.stderr, /^error: calibrate: .* is a run of agg \(its run\.json says so\), not of disagg: .*give -s agg/m);
    runJson("{ not json");
    assert.match((await fit()).stderr, /^error: calibrate: .*run\.json is not JSON; give -s <stack> or --config-file$/m);
    runJson(JSON.stringify({ stack: "nostack", variant: "agg", runId: "0123abcd", jobName: "j" }));
    assert.match(
      (await fit()).stderr,
      /^error: calibrate: the run's run\.json names stack nostack, but there is no Pulumi\.nostack\.yaml; .*give -s <stack>/m,
    );
  });

  test("a record missing from the run leaves its request unmatched, not every later one shifted", () => {
    const requests = [...conversationTrace(1500)];
    const records = requests.map((request) => ({
      startNs: 5e18 + request.timestamp * 1e6 + 3e6,
      inputTokens: request.input_length,
      ttftMs: 100,
      itlMs: 10,
    }));
    records.splice(700, 1);
    const matches = matchRecords(records, requests);
    assert.deepEqual(
      matches,
      requests.map((_, i) => i).filter((i) => i !== 700),
    );
    // Without its first record, three seconds before the second, every other one still matches.
    const late = requests.map((request, i) => (i === 0 ? request : { ...request, timestamp: request.timestamp + 3000 }));
    const lateRecords = late.map((request) => ({
      startNs: 5e18 + request.timestamp * 1e6 + 3e6,
      inputTokens: request.input_length,
      ttftMs: 100,
      itlMs: 10,
    }));
    assert.deepEqual(
      matchRecords(lateRecords.slice(1), late),
      late.map((_, i) => i).filter((i) => i !== 0),
    );
  });

  test("--calibration that is not one, or given with --profile, is one line", async () => {
    const dir = scratch();
    const tracePath = traceFile([...conversationTrace(20)]);
    writeFileSync(join(dir, "not-json.json"), "{");
    writeFileSync(join(dir, "other.json"), JSON.stringify({ kind: "something else" }));
    const negative = {
      kind: "dynamo-bench calibration",
      schemaVersion: 1,
      from: { run: "r", stack: "agg", trace: "t", records: 1 },
      prefill: [-1, 0.03, 0],
      decode: [8, 30, 0],
      kvCapacityTokens: 1000,
      iterations: 1,
      fittedRequests: { ttft: 1, itl: 1 },
      error: { ttftP50: 0, ttftP90: 0, itlP50: 0, itlP90: 0 },
    };
    writeFileSync(join(dir, "negative.json"), JSON.stringify(negative));
    const valid = { ...negative, prefill: [12, 0.03, 0] };
    writeFileSync(join(dir, "twice.json"), JSON.stringify({ ...valid, undetermined: ["a", "a"] }));
    writeFileSync(join(dir, "many.json"), JSON.stringify({ ...valid, undetermined: Array.from({ length: 100_000 }, () => "a") }));
    for (const [args, message] of [
      [["--calibration", join(dir, "not-json.json")], /^error: --calibration: .*not-json\.json: not JSON/],
      [["--calibration", join(dir, "other.json")], /^error: --calibration: .*other\.json: kind: is not "dynamo-bench calibration"/],
      [["--calibration", join(dir, "missing.json")], /^error: --calibration: .*missing\.json: /],
      [["--calibration", join(dir, "negative.json")], /^error: --calibration: .*negative\.json: prefill\.0: must be ≥ 0/],
      [["--calibration", join(dir, "twice.json")], /^error: --calibration: .*twice\.json: undetermined: names a coefficient twice/],
      [["--calibration", join(dir, "many.json")], /^error: --calibration: .*many\.json: undetermined: /],
      [
        ["--calibration", join(dir, "other.json"), "--profile", "mocker-polynomial"],
        /^error: option '--profile <path>' cannot be used with option '--calibration <file>'/,
      ],
      [["--out", join(dir, "x.json")], /^error: unknown option '--out'/],
    ] as const) {
      const result = await runCli(["simulate", "--trace", tracePath, "-s", "agg", ...args]);
      assert.equal(result.status, 1, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });
});
