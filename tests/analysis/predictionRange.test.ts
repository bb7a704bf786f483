import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRun, type RunInput } from "../../analysis/compare/runInput";
import { compareRuns } from "../../analysis/compare/comparison";
import { comparisonMarkdown, comparisonText } from "../../analysis/compare/formatComparison";
import { htmlReport } from "../../analysis/compare/htmlReport";
import { predictionTable } from "../../analysis/compare/predictedBesideMeasured";
import { simulationText } from "../../sim/formatSimulation";
import { formatValue } from "../../lib/numbers";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { parsePrediction, type Prediction } from "../../analysis/runs/predictionFile";
import { predictionFileText } from "../../sim/runPrediction";
import { loadTrace, simulateTrace, type SimulationReport } from "../../sim/traceSimulation";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { testStackModel } from "../support/stackModels";

const percentiles = (p50: number, p90: number, p99: number) => ({ p50, p90, p99, avg: p50 });
const end = (ttft: [number, number, number], itl: [number, number, number] | null, goodput: number | null) => ({
  timeToFirstToken: percentiles(...ttft),
  interTokenLatency: itl && percentiles(...itl),
  goodput,
});

/** A prediction of disagg whose range holds its point: TTFT 700 / 2,800 / 10,000 ms, ITL 14.7 / 16.4 / 17.9 ms, 80% goodput. */
function prediction(range: unknown): Record<string, unknown> {
  return {
    kind: "dynamo-bench prediction",
    schemaVersion: 1,
    stack: "disagg",
    trace: { sha256: "0".repeat(64), requests: 6 },
    perfModel: "an estimate",
    policy: "kv",
    timeToFirstToken: percentiles(700, 2_800, 10_000),
    interTokenLatency: percentiles(14.7, 16.4, 17.9),
    requestLatency: percentiles(6_000, 11_000, 21_000),
    goodput: { fraction: 0.8, slos: { time_to_first_token: 2000 } },
    range,
  };
}
const FAST = end([650, 2_500, 9_000], [14, 16, 17], 0.9);
const SLOW = end([800, 2_900, 12_000], [19, 21, 24], 0.35);
const SPANS = ["prefill timing: the estimate to 25% slower"];

const parse = (file: Record<string, unknown>) => parsePrediction(JSON.stringify(file));
/** Why the file is refused; fails the test when it is read. */
function refused(file: Record<string, unknown>): string {
  try {
    parse(file);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("the file was read");
}

describe("prediction.json: a range is read only when it holds its point", () => {
  test("a range whose ends hold the point is read; `range: null`, as simulate --json prints a point, is no range", () => {
    assert.deepEqual(parse(prediction({ fast: FAST, slow: SLOW, spans: SPANS })).range?.spans, SPANS);
    const point: Prediction = parse(prediction(null));
    assert.ok(!point.range, "no range");
  });

  const cases: [string, unknown, RegExp][] = [
    [
      "a fast end above the slow end",
      { fast: end([650, 3_000, 9_000], [14, 16, 17], 0.9), slow: SLOW, spans: SPANS },
      /^range\.fast\.timeToFirstToken\.p90: is above range\.slow\.timeToFirstToken\.p90 \(3000 > 2900\): the fast end is the lower$/,
    ],
    [
      "a fast end above the point, as simulate printed before its ranges held their points",
      { fast: end([650, 2_500, 9_000], [14.8, 16, 17], 0.9), slow: SLOW, spans: SPANS },
      /^range\.fast\.interTokenLatency\.p50: is above the point's interTokenLatency\.p50 \(14\.8 > 14\.7\): a range holds its point$/,
    ],
    [
      "a slow end below the point",
      { fast: FAST, slow: end([800, 2_700, 12_000], [19, 21, 24], 0.35), spans: SPANS },
      /^range\.slow\.timeToFirstToken\.p90: is below the point's timeToFirstToken\.p90 \(2700 < 2800\)/,
    ],
    [
      "a fast goodput below the slow one",
      { fast: end([650, 2_500, 9_000], [14, 16, 17], 0.3), slow: SLOW, spans: SPANS },
      /^range\.fast\.goodput: is below range\.slow\.goodput \(0\.3 < 0\.35\): the fast end is the higher$/,
    ],
    [
      "a goodput outside the point's",
      { fast: FAST, slow: end([800, 2_900, 12_000], [19, 21, 24], 0.85), spans: SPANS },
      /^range\.slow\.goodput: is above the point's goodput\.fraction \(0\.85 > 0\.8\)/,
    ],
    [
      "a goodput at one end only",
      { fast: FAST, slow: end([800, 2_900, 12_000], [19, 21, 24], null), spans: SPANS },
      /^range\.slow\.goodput: is null while range\.fast\.goodput is not: a range gives a figure at both ends or at neither$/,
    ],
    [
      "an ITL at one end only",
      { fast: end([650, 2_500, 9_000], null, 0.9), slow: SLOW, spans: SPANS },
      /^range\.fast\.interTokenLatency: is null while range\.slow\.interTokenLatency is not/,
    ],
    ["a range of no span", { fast: FAST, slow: SLOW, spans: [] }, /^range\.spans: names no span: a range comes from at least one/],
  ];
  for (const [name, range, message] of cases) {
    test(`refuses ${name}, in one line naming the field`, () => {
      assert.match(refused(prediction(range)), message);
    });
  }

  test("a goodput range without a predicted goodput is refused", () => {
    assert.match(
      refused({ ...prediction({ fast: FAST, slow: SLOW, spans: SPANS }), goodput: null }),
      /^range\.fast\.goodput: is given while goodput is null/,
    );
  });

  test("what simulate saves is read back: a disagg range whose ends, run as they are, did not hold the point", async () => {
    const trace = await loadTrace(traceFile([...conversationTrace(300)]));
    const uncertainty = { prefill: { fast: 0.2, slow: 5 }, decode: { fast: 1, slow: 1 }, handoffMs: { fast: 0, slow: 0 }, named: ["x"] };
    const report = simulateTrace(trace, testStackModel({ decodeWorkers: 1, uncertainty }), { time_to_first_token: 2000 });
    const saved = parsePrediction(predictionFileText(report, { stack: "disagg", trace: { sha256: "0".repeat(64), requests: 300 } }));
    assert.deepEqual(saved.range?.spans, report.range!.spans);
  });
});

/** A copy of the disagg sample run with this prediction.json beside it, loaded as compare loads a run. */
async function runWith(file: Record<string, unknown>, slos = { time_to_first_token: 2000 }): Promise<RunInput> {
  const dir = join(mkdtempSync(join(tmpdir(), "dynamo-bench-ranged-")), "disagg-run");
  cpSync(join(PROJECT_ROOT, "examples", "disagg-sample"), dir, { recursive: true });
  writeFileSync(join(dir, "prediction.json"), JSON.stringify(file));
  const run = await loadRun(dir, slos);
  assert.ok(run.prediction, `the prediction is read: ${run.note}`);
  return run;
}

/** The comparison of a run with itself, in text, Markdown and HTML. */
function everyForm(run: RunInput): string[] {
  const comparison = compareRuns(run, run);
  return [comparisonText(comparison), comparisonMarkdown(comparison), htmlReport(comparison)];
}

describe("compare shows a prediction's range as simulate does", () => {
  test("the goodput's range beside the latencies', and the spans named, escaped, in text, Markdown and HTML", async () => {
    const spans = ["prefill timing: the estimate to 25% slower", "a span \u001b[31mred\u001b[0m <b>"];
    const run = await runWith(prediction({ fast: FAST, slow: SLOW, spans }));
    const table = predictionTable([run])!;
    assert.deepEqual(table.rows.find((row) => row[1] === "goodput (%)")?.slice(3, 5), ["80.00", "90.00–35.00"]);
    for (const form of everyForm(run)) {
      assert.match(form, /goodput \(%\)/);
      assert.match(form, /range, fast – slow end/);
      assert.match(form, /each end takes every span at that end: prefill timing: the estimate to 25% slower; a span \\x1b\[31mred/);
      assert.doesNotMatch(form, /\u001b/);
    }
    assert.doesNotMatch(everyForm(run)[2], /<b>/, "HTML escapes a span");
  });

  test("a run's goodput counted against other SLOs than the prediction's is not compared with it, and says so", async () => {
    const run = await runWith(prediction({ fast: FAST, slow: SLOW, spans: SPANS }), { time_to_first_token: 250 });
    assert.deepEqual(predictionTable([run])!.rows.find((row) => row[1] === "goodput (%)")?.[2], "n/a");
    assert.match(
      comparisonText(compareRuns(run, run)),
      /counts goodput against time_to_first_token ≤ 2000 ms, the run against time_to_first_token ≤ 250 ms/,
    );
  });

  test("figures as large as a file holds print short: past 10 min a TTFT is overloaded, past 2^53 a power of ten", async () => {
    const huge = end([800, 1e300, 1e300], [19, 1e300, 1e300], 0.35);
    const file = { ...prediction({ fast: FAST, slow: huge, spans: SPANS }), interTokenLatency: percentiles(14.7, 1e300, 1e300) };
    const run = await runWith(file);
    for (const form of everyForm(run)) {
      assert.doesNotMatch(form, /\d[\d,]{40}/, "no figure of hundreds of digits");
      assert.match(form, /2,500\.00–&gt; 10 min|2,500\.00–> 10 min/, "an overloaded TTFT at the slow end");
      assert.match(form, /16\.00–1\.00e\+300/, "an ITL past 2^53 as a power of ten");
    }
    assert.match(comparisonText(compareRuns(run, run)), /^Note: > 10 min: overloaded: a first token that long after arrival is queueing/m);
    assert.equal(formatValue(-1.7976931348623157e308), "-1.80e+308");
    assert.equal(formatValue(Number.MAX_SAFE_INTEGER), "9,007,199,254,740,991.00", "up to 2^53, every digit");
  });
});

describe("simulate's text prints a range's ends whatever they hold", () => {
  async function rangedReport(): Promise<SimulationReport> {
    const trace = await loadTrace(traceFile([...conversationTrace(100)]));
    const uncertainty = {
      prefill: { fast: 0.5, slow: 2 },
      decode: { fast: 0.8, slow: 1.25 },
      handoffMs: { fast: 0, slow: 0 },
      named: ["x"],
    };
    return simulateTrace(trace, testStackModel({ decodeWorkers: 1, uncertainty }), { time_to_first_token: 2000 });
  }

  test("an end without a figure the other has is n/a, never a silent dash", async () => {
    const report = await rangedReport();
    const halfGoodput = { ...report, range: { ...report.range!, slow: { ...report.range!.slow, goodput: null } } };
    assert.match(simulationText([halfGoodput]), /^ {2}range, slow – fast end +n\/a–[\d.]+%$/m);
    const halfItl = {
      ...report,
      range: { ...report.range!, fast: { ...report.range!.fast, latency: { ...report.range!.fast.latency, interTokenLatency: null } } },
    };
    assert.match(simulationText([halfItl]), /^predicted ITL.*\n {2}range, fast – slow end +n\/a–[\d.]+ \/ n\/a–/m);
  });

  test("a range's end past 10 min says it is overloaded, and the line under the table says what that means", async () => {
    const report = await rangedReport();
    const slow = report.range!.slow;
    const overloaded = { ...slow, latency: { ...slow.latency, timeToFirstToken: { ...slow.latency.timeToFirstToken!, p99: 700_000 } } };
    const text = simulationText([{ ...report, range: { ...report.range!, slow: overloaded } }]);
    assert.match(text, /^ {2}range, fast – slow end +[\d,.]+–[\d,.]+ \/ [\d,.]+–[\d,.]+ \/ [\d,.]+–> 10 min$/m);
    assert.match(text, /^> 10 min: overloaded: a first token that long after arrival is queueing/m);
  });

  test("an ITL or a request latency past 2^53 ms prints as a power of ten", async () => {
    const report = await rangedReport();
    const latency = { ...report.latency, interTokenLatency: percentiles(1e300, 1e300, 1e300) };
    const text = simulationText([{ ...report, latency }]);
    assert.match(text, /^predicted ITL, p50 \/ p90 \/ p99 \(ms\) +1\.00e\+300 \/ 1\.00e\+300 \/ 1\.00e\+300$/m);
    assert.doesNotMatch(text, /\d[\d,]{40}/);
  });
});
