import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { splitVerdict, type SplitPoint } from "../../sim/splitSweep";
import { splitText } from "../../sim/formatSimulation";
import type { SimulationReport } from "../../sim/traceSimulation";
import { traceFile } from "../support/traceFixtures";
import { runCli } from "../support/cli";
import { assertClean, request } from "../support/simulateCases";

const trace = traceFile([0, 1, 2, 3, 4, 5].map((i) => request(i * 1000, i % 2 ? 2000 : 300, 20, i * 10)));

/** A split's report with only what the verdict reads: goodput, TTFT p90 and ITL p90, at the point, or at each end too. */
function point(label: string, fraction: number, ttftP90 = 500, itlP90 = 10, ends?: { fast: number; slow: number }): SplitPoint {
  const end = (goodput: number) => ({ goodput, latency: { timeToFirstToken: { p90: ttftP90 }, interTokenLatency: { p90: itlP90 } } });
  return {
    split: { label, prefill: 1, decode: 1 },
    report: {
      goodput: { fraction },
      latency: { timeToFirstToken: { p90: ttftP90 }, interTokenLatency: { p90: itlP90 } },
      range: ends ? { fast: end(ends.fast), slow: end(ends.slow), spans: ["decode timing"] } : null,
      settings: { slos: {} },
    } as unknown as SimulationReport,
  };
}

describe("simulate sweep split's verdict", () => {
  test("when no split serves a request within the SLOs, none is named best, not even the one with the lowest TTFT", () => {
    assert.deepEqual(splitVerdict([point("agg 2", 0, 100), point("1P1D", 0, 200)]), { kind: "none meets the SLOs" });
    const ranged = [point("agg 2", 0, 100, 10, { fast: 0, slow: 0 }), point("1P1D", 0, 200, 10, { fast: 0, slow: 0 })];
    assert.equal(splitVerdict(ranged).kind, "none meets the SLOs");
    assert.match(
      splitText([], { kind: "none meets the SLOs" }),
      /^no split meets the SLOs: every one serves 0\.00% of requests within them$/m,
    );
  });

  test("a split that wins where others serve none within the SLOs is named only where it wins", () => {
    const verdict = splitVerdict([
      point("agg 2", 0.3, 100, 10, { fast: 0.5, slow: 0 }),
      point("1P1D", 0.2, 200, 10, { fast: 0.4, slow: 0 }),
    ]);
    assert.deepEqual(verdict.kind === "tie" && verdict.where, [
      "agg 2 wins at the point and the fast end",
      "none meets the SLOs at the slow end",
    ]);
  });

  test("splits that tie exactly at the point are said to tie, not one of them named best", () => {
    const verdict = splitVerdict([point("agg 3", 0.5, 500, 10), point("1P2D", 0.5, 500, 10), point("2P1D", 0.4, 100, 5)]);
    assert.equal(verdict.kind, "tie");
    assert.deepEqual(verdict.kind === "tie" && verdict.where, ["agg 3 and 1P2D tie exactly at the point"]);
    assert.match(splitText([], verdict), /^no split wins: agg 3 and 1P2D tie exactly at the point$/m);
    const all = splitVerdict([point("agg 3", 0.5), point("1P2D", 0.5), point("2P1D", 0.5)]);
    assert.deepEqual(all.kind === "tie" && all.where, ["agg 3, 1P2D and 2P1D tie exactly at the point"]);
    assert.equal(splitVerdict([point("agg 3", 0.5, 500, 10), point("1P2D", 0.5, 500, 11)]).kind, "best", "the lower ITL p90 wins");
  });

  test("a split with no range is at its point at both ends: one that loses to it at the slow end is not best", () => {
    // agg from a calibration with no handoff span has no range; the disagg splits keep the handoff's.
    const agg = point("agg 8", 1, 480);
    const disagg = point("5P3D", 1, 420, 10, { fast: 1, slow: 0.9988 });
    const verdict = splitVerdict([agg, disagg]);
    assert.deepEqual(verdict.kind === "tie" && verdict.where, ["5P3D wins at the point and the fast end", "agg 8 wins at the slow end"]);
    assert.doesNotMatch(splitText([], verdict), /best for the SLOs/);
  });

  test("a best split that serves no more than another says it won on the tie-break", () => {
    const points = [point("agg 2", 1, 100, 10, { fast: 1, slow: 1 }), point("1P1D", 1, 200, 10, { fast: 1, slow: 1 })];
    const verdict = splitVerdict(points);
    assert.equal(verdict.kind, "best");
    const text = splitText(points, verdict);
    assert.match(text, /^best for the SLOs: agg 2, with 100\.00% of requests within them, at the point and at both ends of the range; /m);
    assert.match(text, /; 1P1D serve as many at the point, and it has the lower TTFT p90 \(then ITL p90\)$/m);
  });

  test("the command prints the table all the same, and no best, when every split misses the SLOs", async () => {
    const args = ["simulate", "sweep", "split", "--trace", trace, "-s", "disagg", "--goodput", "time_to_first_token:1"];
    const result = await runCli(args);
    assertClean(result, "sweep");
    assert.match(result.stdout, /^7P1D +[\d.]+ \/ [\d.]+ /m, "the table");
    assert.doesNotMatch(result.stdout, /\(best\)|best for the SLOs|tie/);
    assert.match(
      result.stdout,
      /^no split meets the SLOs: every one serves 0\.00% of requests within them, at the point and at both ends/m,
    );
    const json = JSON.parse((await runCli([...args, "--json"])).stdout);
    assert.deepEqual([json.verdict, json.best, json.tied], ["none meets the SLOs", null, []]);
  });
});
