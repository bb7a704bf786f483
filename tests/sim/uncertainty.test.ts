import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { atEnd, namedSpans, stackUncertainty } from "../../sim/uncertainty";
import { profileTimings } from "../../sim/stackTimings";
import { defaultProfile } from "../../sim/defaultProfile";
import { MOCKER_PERF, testStackModel } from "../support/stackModels";
import { loadTrace, simulateTrace } from "../../sim/traceSimulation";
import { conversationTrace, traceFile } from "../support/traceFixtures";

describe("the spans a prediction's range is drawn from", () => {
  test("the default estimate at TP 2: 25% on each half, the prefill TP rule's range, and a disagg handoff of 0 to 1 s", () => {
    const uncertainty = stackUncertainty(profileTimings(defaultProfile(), 2, true))!;
    // Prefill at TP 1 scaled by 2^0.85 ≈ 1.80, the rule's range 2^0.7 to 2^1: the ends divide by those instead.
    const speedup = 2 ** Math.log2(1.8);
    assert.ok(Math.abs(uncertainty.prefill.fast - speedup / 2) < 1e-9);
    assert.ok(Math.abs(uncertainty.prefill.slow - (1.25 * speedup) / 2 ** 0.7) < 1e-9);
    assert.deepEqual(uncertainty.decode, { fast: 1, slow: 1.25 }, "decode is the estimate's own TP: no scaling span");
    assert.deepEqual(uncertainty.handoffMs, { fast: 0, slow: 1000 });
    assert.equal(namedSpans(uncertainty, false).length, 3);
    assert.match(namedSpans(uncertainty, true).at(-1)!, /^disagg handoff overhead: 0–1000 ms$/);
  });

  test("the mocker's own timings are a point; calibrated ones keep only a disagg handoff's span", () => {
    assert.equal(stackUncertainty({ ...MOCKER_PERF, exact: true }), null);
    const calibrated = stackUncertainty({
      ...MOCKER_PERF,
      calibrated: true,
      uncertainty: profileTimings(defaultProfile(), 2, true).uncertainty,
    })!;
    assert.deepEqual(
      [calibrated.prefill, calibrated.decode],
      [
        { fast: 1, slow: 1 },
        { fast: 1, slow: 1 },
      ],
    );
    assert.deepEqual(namedSpans(calibrated, false), [], "agg: a point");
    assert.deepEqual(namedSpans(calibrated, true), ["disagg handoff overhead: 0–1000 ms"]);
  });

  test("an end scales the timings and sets the handoff only where requests are handed off", () => {
    const uncertainty = {
      prefill: { fast: 0.5, slow: 2 },
      decode: { fast: 0.8, slow: 1.5 },
      handoffMs: { fast: 0, slow: 1000 },
      named: ["x"],
    };
    const disagg = atEnd(testStackModel({ decodeWorkers: 1, uncertainty }), "slow");
    assert.equal(disagg.handoffOverheadMs, 1000);
    assert.equal(disagg.perf.prefillCurveMs(1000), 2 * MOCKER_PERF.prefillCurveMs(1000));
    assert.equal(disagg.perf.decodeMs(1000, 100), 1.5 * MOCKER_PERF.decodeMs(1000, 100));
    assert.equal(disagg.uncertainty, null, "an end is a point");
    const agg = atEnd(testStackModel({ uncertainty }), "slow");
    assert.equal(agg.handoffOverheadMs, 0);
    assert.equal(atEnd(testStackModel({ uncertainty }), "fast").perf.prefillMs(0, 500), 0.5 * MOCKER_PERF.prefillMs(0, 500));
  });
});

describe("a prediction's range bounds its point", () => {
  test("each figure of the fast end is the best of the point and both ends, of the slow end the worst", async () => {
    // Disagg, prefill five times faster or slower, decode as given: at the fast end more requests decode together,
    // and its ITL is above the point's, and above the slow end's; an envelope holds all three.
    const trace = await loadTrace(traceFile([...conversationTrace(300)]));
    const uncertainty = { prefill: { fast: 0.2, slow: 5 }, decode: { fast: 1, slow: 1 }, handoffMs: { fast: 0, slow: 0 }, named: ["x"] };
    const report = simulateTrace(trace, testStackModel({ decodeWorkers: 1, uncertainty }), { time_to_first_token: 2000 });
    const { fast, slow } = report.range!;
    for (const latency of ["timeToFirstToken", "interTokenLatency", "requestLatency"] as const) {
      for (const p of ["p50", "p90", "p99", "avg"] as const) {
        const at = [fast.latency[latency]![p], report.latency[latency]![p], slow.latency[latency]![p]];
        assert.ok(at[0] <= at[1] && at[1] <= at[2], `${latency}.${p}: fast, point, slow = ${at.join(", ")}`);
      }
    }
    assert.ok(fast.goodput! >= report.goodput!.fraction && report.goodput!.fraction >= slow.goodput!);
    assert.ok(slow.goodput! < fast.goodput!, "the slow end's goodput is below the fast end's: the range is not a point");
  });
});
