import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parsePrediction, type Prediction } from "../../analysis/runs/predictionFile";
import { predictionFileText } from "../../sim/runPrediction";
import { loadTrace, simulateTrace } from "../../sim/traceSimulation";
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
