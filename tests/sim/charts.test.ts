import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli } from "../support/cli";

const tracePath = traceFile([...conversationTrace(300)]);
/** 300 prompts of 60,000 tokens within 0.3 s: one worker takes far more than ten minutes to reach the last. */
const flood = traceFile(
  Array.from({ length: 300 }, (_, i) => ({
    timestamp: i,
    input_length: 60_000,
    output_length: 2,
    hash_ids: Array.from({ length: 118 }, (_, b) => i * 118 + b),
  })),
);

const textsOf = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
/** Each line series' stroke: its colour, width and dashes, from ECharts' SVG. */
const seriesStrokes = (svg: string) =>
  [
    ...svg.matchAll(
      /<path d="M[^"]*" fill="none" pointer-events="visible" (stroke="[^"]*" stroke-width="[^"]*"(?: stroke-dasharray="[^"]*")?)/g,
    ),
  ].map((m) => m[1]);
const scratch = (name: string) => join(mkdtempSync(join(tmpdir(), "dynamo-bench-charts-")), name);

describe("the split chart", () => {
  test("draws goodput, TTFT p90 and ITL p90 each in a panel and on an axis of its own, with the SLOs dashed and named", async () => {
    const chart = scratch("split.svg");
    const result = await runCli(["simulate", "sweep", "split", "--trace", tracePath, "-s", "disagg", "--chart", chart]);
    assert.equal(result.status, 0, result.stderr);
    const texts = textsOf(readFileSync(chart, "utf8"));
    for (const label of ["goodput", "TTFT p90 (ms)", "ITL p90 (ms)", "SLO 2,000 ms", "SLO 25 ms"]) assert.ok(texts.includes(label), label);
    assert.equal(texts.filter((text) => text === "7P1D").length, 3, "each panel names the splits");
    const itlTicks = texts.slice(texts.indexOf("ITL p90 (ms)")).filter((text) => /^\d+$/.test(text));
    assert.ok(
      itlTicks.map(Number).some((tick) => tick >= 25),
      `the ITL axis reaches its SLO: ${itlTicks.join(", ")}`,
    );
  });

  test("an overloaded split's TTFT is drawn as a triangle at ten minutes and said so, not stretched over its queue", async () => {
    const chart = scratch("split.svg");
    const result = await runCli(["simulate", "sweep", "split", "--trace", flood, "-s", "disagg", "--chart", chart]);
    assert.equal(result.status, 0, result.stderr);
    const texts = textsOf(readFileSync(chart, "utf8"));
    assert.ok(
      texts.some((text) => text.includes("▲ past 10 min: overloaded")),
      texts.join(" | "),
    );
    assert.ok(texts.includes("600,000"), "the TTFT axis ends at ten minutes");
    assert.ok(!texts.includes("1,000,000"));
  });
});

describe("the capacity sweep's lines", () => {
  test("each policy has its own stroke, so that round-robin and random stay told apart where they coincide", async () => {
    const chart = scratch("sweep.svg");
    const args = ["simulate", "sweep", "capacity", "--trace", tracePath, "-s", "agg", "--policy", "all", "--workers", "1"];
    const result = await runCli([...args, "--chart", chart]);
    assert.equal(result.status, 0, result.stderr);
    const strokes = seriesStrokes(readFileSync(chart, "utf8"));
    assert.equal(strokes.length, 3, strokes.join(" | "));
    assert.equal(
      new Set(strokes.map((stroke) => stroke.replace(/stroke="[^"]*" /, ""))).size,
      3,
      `widths and dashes: ${strokes.join(" | ")}`,
    );
  });
});

describe("an overloaded stack's latencies", () => {
  test("print as > 10 min with what it means, never as seven digits of ms", async () => {
    const result = await runCli(["simulate", "--trace", flood, "-s", "agg", "--workers", "1"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^predicted TTFT, p50 \/ p90 \/ p99 \(ms\) +> 10 min \/ > 10 min \/ > 10 min$/m);
    assert.match(result.stdout, /^predicted request latency, p50 \/ p90 \/ p99 \(ms\) +> 10 min \/ > 10 min \/ > 10 min$/m);
    assert.match(result.stdout, /^> 10 min: overloaded: a first token that long after arrival is queueing/m);
    const latencies = result.stdout.split("\n").filter((line) => line.startsWith("predicted"));
    assert.equal(latencies.length, 4);
    for (const line of latencies) assert.doesNotMatch(line, /\d,\d{3},\d{3}/);
  });

  test("are null in --json, and named in overloaded; a stack within it names none", async () => {
    const json = JSON.parse((await runCli(["simulate", "--trace", flood, "-s", "agg", "--workers", "1", "--json"])).stdout);
    assert.deepEqual(json.latency.timeToFirstToken, { p50: null, p90: null, p99: null, avg: null });
    assert.ok(json.latency.interTokenLatency.p50 > 0, "ITL is a pass's time, never a queue's");
    assert.deepEqual(json.overloaded.slice(0, 2), ["timeToFirstToken.p50", "timeToFirstToken.p90"]);
    const calm = JSON.parse((await runCli(["simulate", "--trace", tracePath, "-s", "agg", "--json"])).stdout);
    assert.deepEqual(calm.overloaded, []);
  });
});
