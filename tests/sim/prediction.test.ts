import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { benchmarkSummaryCallback } from "../../stack/hooks/benchmarkHooks";
import { reportRun } from "../../cli/report";
import type { JobLogReader } from "../../stack/hooks/jobLogs";
import { parsePrediction } from "../../analysis/runs/predictionFile";
import { logMarkers, summaryFiles } from "../../analysis/summary/summaryFiles";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { artifactDir, FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { runCli } from "../support/cli";
import { conversationTrace, traceFile } from "../support/traceFixtures";

const scratch = () => mkdtempSync(join(tmpdir(), "dynamo-bench-prediction-"));

/** The log of a summary container: the summary files between their markers, as the Job prints them. */
async function containerLog(): Promise<string> {
  const dir = artifactDir(FIVE_REQUESTS.map(recordLine).join("\n") + "\n");
  const { summary, provenance } = await summarizeRun(dir, { time_to_first_token: 1000, inter_token_latency: 30 });
  const files = summaryFiles(dir, summary, provenance);
  return Object.entries(files)
    .map(([name, text]) => {
      const { begin, end } = logMarkers(name as keyof typeof files);
      return `${begin}\n${text}${text.endsWith("\n") ? "" : "\n"}${end}\n`;
    })
    .join("");
}

const reader = (log: string): JobLogReader => ({ containerLog: async () => log });
const hookArgs = {
  urn: "urn",
  id: "id",
  name: "benchmark-job",
  type: "kubernetes:batch/v1:Job",
  newOutputs: {
    metadata: { name: "disagg-router-6p-2d-benchmark-44444444" },
    spec: { template: { metadata: { labels: { "dynamo-bench/run-id": "44444444" } } } },
  },
};

function stackWithTrace(requests = 200, end?: number) {
  const tracePath = traceFile([...conversationTrace(requests)]);
  const sha256 = createHash("sha256").update(readFileSync(tracePath)).digest("hex");
  const benchmark = { traceSha256: sha256, ...(end === undefined ? {} : { fixedScheduleEndOffsetMs: end }) };
  return { tracePath, config: parseStackConfig({ variant: "disagg", benchmark }, "test") };
}

describe("pulumi up saves the stack's prediction beside the run", () => {
  test("with the trace at hand, prediction.json is saved and shown beside what was measured", async () => {
    const { tracePath, config } = stackWithTrace();
    const resultsRoot = scratch();
    const printed: string[] = [];
    const print = (text: string) => printed.push(text);
    await benchmarkSummaryCallback(config, "disagg", {
      logs: reader(await containerLog()),
      resultsRoot,
      print,
      report: (dir) => reportRun(dir, { config, tracePath, print }),
    })(hookArgs);
    const prediction = parsePrediction(readFileSync(join(resultsRoot, "disagg", "44444444", "prediction.json"), "utf8"));
    assert.deepEqual([prediction.stack, prediction.policy, prediction.trace.requests], ["disagg", "kv", 200]);
    assert.match(prediction.perfModel, /AIConfigurator/);
    const { range } = prediction;
    assert.ok(
      range && range.slow.timeToFirstToken.p90 >= prediction.timeToFirstToken.p90,
      "the range is saved, its slow end above the point",
    );
    assert.ok(range.spans.some((span) => span.startsWith("disagg handoff overhead")));
    const shown = printed.join("\n");
    assert.match(shown, /Predicted beside measured, also in .*prediction\.json:/);
    assert.match(shown, /^disagg · 44444444\s+TTFT p50 \(ms\)\s+[\d,.]+\s+[\d,.]+\s+[\d,.]+–[\d,.]+\s+[+-][\d,.]+%$/m);
  });

  test("a fixed schedule cut short is predicted over the same window", async () => {
    const { tracePath, config } = stackWithTrace(200, 10_000);
    const resultsRoot = scratch();
    await benchmarkSummaryCallback(config, "disagg", {
      logs: reader(await containerLog()),
      resultsRoot,
      print: () => {},
      report: (dir) => reportRun(dir, { config, tracePath, print: () => {} }),
    })(hookArgs);
    const prediction = parsePrediction(readFileSync(join(resultsRoot, "disagg", "44444444", "prediction.json"), "utf8"));
    const inWindow = [...conversationTrace(200)].filter((request) => request.timestamp <= 10_000).length;
    assert.ok(inWindow > 0 && inWindow < 200);
    assert.equal(prediction.trace.requests, inWindow);
  });

  test("with no trace, or another trace, the run is saved all the same, with a note saying how to get it", async () => {
    const { config } = stackWithTrace();
    for (const [tracePath, note] of [
      [
        join(scratch(), "none.jsonl"),
        /^no prediction saved: the trace is not at .*none\.jsonl \(npx dynamo-bench trace fetch -s disagg puts it there\)\.$/m,
      ],
      [
        traceFile([...conversationTrace(10)]),
        new RegExp(
          String.raw`^no prediction saved: .* is not the trace this stack replays ` +
            String.raw`\(its sha256 is [0-9a-f]{64}; npx dynamo-bench trace fetch -s disagg\)\.$`,
          "m",
        ),
      ],
    ] as const) {
      const resultsRoot = scratch();
      const printed: string[] = [];
      const print = (text: string) => printed.push(text);
      await benchmarkSummaryCallback(config, "disagg", {
        logs: reader(await containerLog()),
        resultsRoot,
        print,
        report: (dir) => reportRun(dir, { config, tracePath, print }),
      })(hookArgs);
      assert.match(printed.join("\n"), note);
      assert.ok(readFileSync(join(resultsRoot, "disagg", "44444444", "summary.json"), "utf8"));
    }
  });
});

describe("compare shows predicted beside measured", () => {
  test("for each run with a prediction.json: TTFT and ITL p50 and p90, and the error", async () => {
    const { tracePath, config } = stackWithTrace();
    const resultsRoot = scratch();
    const log = await containerLog();
    await benchmarkSummaryCallback(config, "disagg", {
      logs: reader(log),
      resultsRoot,
      print: () => {},
      report: (dir) => reportRun(dir, { config, tracePath, print: () => {} }),
    })(hookArgs);
    const run = join(resultsRoot, "disagg", "44444444");
    const text = (await runCli(["compare", "examples/agg-sample", run])).stdout;
    assert.match(text, /^Predicted beside measured \(prediction\.json, saved by pulumi up\):$/m);
    for (const metric of ["TTFT p50", "TTFT p90", "ITL p50", "ITL p90"]) {
      assert.match(
        text,
        new RegExp(`^disagg · 44444444\\s+${metric} \\(ms\\)\\s+[\\d,.]+\\s+[\\d,.]+\\s+[\\d,.]+–[\\d,.]+\\s+[+-][\\d,.]+%$`, "m"),
      );
    }
    assert.doesNotMatch(text, /^agg-sample\s+TTFT/m, "a run without a prediction has no rows");
    assert.match(text, /^Note: the prediction for disagg · 44444444 simulated 200 requests but the run sent 6: /m);
    assert.match(text, /^Note: the prediction for disagg · 44444444 used AIConfigurator's H200 estimate/m);
    assert.match((await runCli(["compare", "examples/agg-sample", run, "--markdown"])).stdout, /^#### Predicted beside measured$/m);
    const html = join(scratch(), "report.html");
    await runCli(["compare", "examples/agg-sample", run, "--out", html]);
    assert.match(readFileSync(html, "utf8"), /<h2>Predicted beside measured<\/h2>/);
  });

  test("the predicted prefix-cache hit rate beside the one the workers' metrics measured, in points", async () => {
    const { tracePath, config } = stackWithTrace();
    const resultsRoot = scratch();
    await benchmarkSummaryCallback(config, "disagg", {
      logs: reader(await containerLog()),
      resultsRoot,
      print: () => {},
      report: (dir) => reportRun(dir, { config, tracePath, print: () => {} }),
    })(hookArgs);
    const run = join(resultsRoot, "disagg", "44444444");
    const predicted = parsePrediction(readFileSync(join(run, "prediction.json"), "utf8")).prefixCacheHitRate!;
    assert.ok(predicted > 0 && predicted < 1, String(predicted));
    const shown = (predictedPercent: number, measured: string, error: string) =>
      new RegExp(
        String.raw`^disagg · 44444444\s+prefix-cache hits \(%\)\s+${measured}\s+${predictedPercent.toFixed(2)}\s+–\s+${error}$`,
        "m",
      );
    const before = (await runCli(["compare", "examples/agg-sample", run])).stdout;
    assert.match(before, shown(predicted * 100, "n/a", "n/a"), "a run without server metrics");

    const summaryPath = join(run, "summary.json");
    const summary = JSON.parse(readFileSync(summaryPath, "utf8"));
    const prefixCache = { queriedTokens: 1_000_000, hitTokens: 300_000, hitRate: 0.3 };
    summary.server = { scrapes: 2, from: "t0", to: "t1", frontend: null, prefixCache, workers: [], notes: [] };
    writeFileSync(summaryPath, JSON.stringify(summary));
    const points = ((predicted - 0.3) * 100).toFixed(1);
    const after = (await runCli(["compare", "examples/agg-sample", run])).stdout;
    assert.match(after, shown(predicted * 100, "30.00", `${predicted >= 0.3 ? "\\+" : ""}${points.replace(".", "\\.")} pts`));
  });

  test("a prediction.json that cannot be read is a note, and the comparison goes on", async () => {
    const { tracePath, config } = stackWithTrace();
    const resultsRoot = scratch();
    await benchmarkSummaryCallback(config, "disagg", {
      logs: reader(await containerLog()),
      resultsRoot,
      print: () => {},
      report: (dir) => reportRun(dir, { config, tracePath, print: () => {} }),
    })(hookArgs);
    const run = join(resultsRoot, "disagg", "44444444");
    const valid = JSON.parse(readFileSync(join(run, "prediction.json"), "utf8"));
    const disordered = { ...valid, timeToFirstToken: { ...valid.timeToFirstToken, p50: 1e9 } };
    for (const broken of ["{", JSON.stringify({ kind: "dynamo-bench prediction", schemaVersion: 2 }), JSON.stringify(disordered)]) {
      writeFileSync(join(run, "prediction.json"), broken);
      const result = await runCli(["compare", "examples/agg-sample", run]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        /^Note: .*prediction\.json is not used: (not JSON|schemaVersion: must be 1|timeToFirstToken: must hold p50 ≤ p90 ≤ p99)/m,
      );
      assert.doesNotMatch(result.stdout, /Predicted beside measured/);
    }
  });
});

test("a prediction.json whose goodput fraction is outside [0, 1] is not used, and the note names the field", async () => {
  const { tracePath, config } = stackWithTrace();
  const resultsRoot = scratch();
  await benchmarkSummaryCallback(config, "disagg", {
    logs: reader(await containerLog()),
    resultsRoot,
    print: () => {},
    report: (dir) => reportRun(dir, { config, tracePath, print: () => {} }),
  })(hookArgs);
  const run = join(resultsRoot, "disagg", "44444444");
  const valid = JSON.parse(readFileSync(join(run, "prediction.json"), "utf8"));
  for (const fraction of [5, -0.5]) {
    writeFileSync(join(run, "prediction.json"), JSON.stringify({ ...valid, goodput: { fraction, slos: { time_to_first_token: 1000 } } }));
    const result = await runCli(["compare", "examples/agg-sample", run]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Note: .*prediction\.json is not used: goodput\.fraction: must be between 0 and 1/m);
  }
});
