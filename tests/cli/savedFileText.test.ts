import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchmarkSummaryCallback } from "../../stack/hooks/benchmarkHooks";
import { logMarkers, SUMMARY_JSON, SUMMARY_MARKDOWN } from "../../analysis/summary/summaryFiles";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { terminalJson, terminalLine, terminalLines } from "../../lib/terminalText";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { runCli } from "../support/cli";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-saved-text-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** What a hostile file may hold: a screen clear, a colour, a carriage return that hides what came before, a right-to-left override. */
const HOSTILE = "\u001b[2J\u001b[31mred\rback\u202eevil\u0085";
/** A line break that would start a line of its own, which could pass for the tool's. */
const FORGED = "\nFAKE: all requests good";
/** Any character that drives a terminal or reorders what it shows. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertSafe(output: { stdout: string; stderr: string }, what: string): void {
  for (const [stream, text] of Object.entries(output)) {
    if (typeof text !== "string") continue;
    assert.doesNotMatch(text, RAW, `${what}: a control character reached ${stream}: ${JSON.stringify(text.match(RAW))}`);
    assert.doesNotMatch(text, /^FAKE/m, `${what}: a file's line break started a line of ${stream}`);
  }
}

/** results/<stack>/<run-id>/ with a summary.json (from a sample run), run.json and prediction.json whose text fields are hostile. */
async function hostileRun(stack: "agg" | "disagg", runId: string, savedAt: string): Promise<string> {
  const dir = join(scratch, "results", stack, runId);
  mkdirSync(dir, { recursive: true });
  const summary = JSON.parse((await runCli(["summarize", join(PROJECT_ROOT, "examples", `${stack}-sample`), "--json"])).stdout);
  summary.metrics.request_latency.unit = `ms${HOSTILE}`;
  summary.metrics.input_sequence_length.unit = `tokens${FORGED}${HOSTILE}`;
  summary.server = {
    scrapes: 2,
    from: `then${HOSTILE}${FORGED}`,
    to: "now",
    frontend: null,
    prefixCache: { queriedTokens: null, hitTokens: null, hitRate: null },
    workers: [
      {
        name: `w${HOSTILE}${FORGED}`,
        role: `decode${HOSTILE}`,
        requests: 1,
        queriedTokens: null,
        hitTokens: null,
        hitRate: null,
        peakKvUsage: null,
        peakWaiting: null,
        preemptions: null,
      },
    ],
    notes: [`a note${HOSTILE}${FORGED}`],
  };
  writeFileSync(join(dir, SUMMARY_JSON), JSON.stringify(summary));
  const run = { kind: "dynamo-bench run", schemaVersion: 1, stack, variant: stack, runId, jobName: `job${HOSTILE}`, savedAt };
  writeFileSync(join(dir, "run.json"), JSON.stringify(run));
  const percentiles = { p50: 1, p90: 2, p99: 3, avg: 1 };
  const prediction = {
    kind: "dynamo-bench prediction",
    schemaVersion: 1,
    stack: `other${HOSTILE}${FORGED}`,
    trace: { sha256: "x", requests: 300 },
    perfModel: `a model${HOSTILE}${FORGED}`,
    policy: `round-robin${HOSTILE}`,
    timeToFirstToken: percentiles,
    interTokenLatency: percentiles,
    requestLatency: percentiles,
    goodput: null,
  };
  writeFileSync(join(dir, "prediction.json"), JSON.stringify(prediction));
  return dir;
}

describe("text from saved files reaches the terminal with its control characters shown escaped", () => {
  test("the sanitizer: escapes shown, a line's newline too, JSON still the same JSON", () => {
    assert.equal(terminalLines(`a${HOSTILE}\nb`), "a\\x1b[2J\\x1b[31mred\\x0dback\\u202eevil\\x85\nb");
    assert.equal(terminalLine("a\nb\u2028c"), "a\\nb\\u2028c");
    const json = JSON.stringify({ text: HOSTILE });
    assert.doesNotMatch(terminalJson(json), RAW);
    assert.equal(JSON.parse(terminalJson(json)).text, HOSTILE);
  });

  test("summarize, compare (text, Markdown, JSON) and report", async () => {
    const agg = await hostileRun("agg", "11111111", "2026-01-01T00:00:00.000Z");
    const disagg = await hostileRun("disagg", "22222222", "2026-01-02T00:00:00.000Z");
    const summarized = await runCli(["summarize", disagg]);
    assert.equal(summarized.status, 0, summarized.stderr);
    assert.match(summarized.stdout, /ms\\x1b\[2J\\x1b\[31mred\\x0dback\\u202eevil\\x85/, "shown, escaped");
    assertSafe(summarized, "summarize");
    for (const format of [[], ["--markdown"]]) {
      const compared = await runCli(["compare", agg, disagg, ...format]);
      assert.equal(compared.status, 0, compared.stderr);
      assert.match(compared.stdout, /used a model\\x1b\[2J.*\\nFAKE: all requests good/);
      assertSafe(compared, `compare ${format.join(" ")}`);
    }
    const json = await runCli(["compare", agg, disagg, "--json"]);
    assertSafe(json, "compare --json");
    assert.equal(JSON.parse(json.stdout).baseline.prediction.perfModel, `a model${HOSTILE}${FORGED}`, "the same data, escaped as JSON");
    const reported = await runCli(["report", disagg, "--trace", join(scratch, "no-trace.jsonl")]);
    assertSafe(reported, "report");
  });

  test("a failed run's failure, as report says it", async () => {
    const dir = await hostileRun("agg", "33333333", "2026-01-03T00:00:00.000Z");
    const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...run, failure: `the Job failed${HOSTILE}${FORGED}` }));
    const reported = await runCli(["report", dir]);
    assert.match(reported.stdout, /did not succeed \(the Job failed\\x1b/);
    assertSafe(reported, "report of a failed run");
  });

  test("calibration.json's run name, as simulate --calibration describes the timings", async () => {
    const calibration = {
      kind: "dynamo-bench calibration",
      schemaVersion: 1,
      from: { run: `results/agg/1${HOSTILE}${FORGED}`, stack: `agg${HOSTILE}`, trace: "t", records: 300, tensorParallelSize: 2 },
      prefill: [12, 0.03, 6e-7],
      decode: [8, 30, 0],
      kvCapacityTokens: 99_968,
      iterations: 3,
      undetermined: [],
      fittedRequests: { ttft: 300, itl: 300 },
      error: { ttftP50: 0.01, ttftP90: 0.01, itlP50: 0.01, itlP90: 0.01 },
    };
    const file = join(scratch, "calibration.json");
    writeFileSync(file, JSON.stringify(calibration));
    const trace = join(PROJECT_ROOT, "examples", "trace", "conversation_trace_first300.jsonl");
    const simulated = await runCli(["simulate", "-s", "agg", "--trace", trace, "--calibration", file]);
    assert.equal(simulated.status, 0, simulated.stderr);
    assert.match(simulated.stdout, /calibrated from results\/agg\/1\\x1b\[2J/);
    assertSafe(simulated, "simulate --calibration");
  });

  test("the summary.md the post-run hook found between the log markers, as it prints it; the file keeps what the Job wrote", async () => {
    const summary = (await runCli(["summarize", join(PROJECT_ROOT, "examples", "agg-sample"), "--json"])).stdout;
    const markdown = `## a run${HOSTILE}\n\n- ok${FORGED}\n`;
    const log = [
      [SUMMARY_JSON, summary],
      [SUMMARY_MARKDOWN, markdown],
    ]
      .map(([file, text]) => `${logMarkers(file as typeof SUMMARY_JSON).begin}\n${text}${logMarkers(file as typeof SUMMARY_JSON).end}\n`)
      .join("");
    const printed: string[] = [];
    const resultsRoot = join(scratch, "hook-results");
    await benchmarkSummaryCallback(parseStackConfig({ variant: "agg" }, "test"), "agg", {
      logs: { containerLog: async () => log },
      resultsRoot,
      print: (text) => printed.push(text),
      report: async () => undefined,
    })({
      urn: "urn",
      id: "id",
      name: "benchmark-job",
      type: "kubernetes:batch/v1:Job",
      newOutputs: {
        metadata: { name: "agg-8xtp2-benchmark-44444444" },
        spec: { template: { metadata: { labels: { "dynamo-bench/run-id": "44444444" } } } },
      },
    });
    const text = printed.join("\n");
    assert.match(text, /## a run\\x1b\[2J/);
    assert.doesNotMatch(text, RAW);
    assert.equal(readFileSync(join(resultsRoot, "agg", "44444444", SUMMARY_MARKDOWN), "utf8"), markdown);
  });
});
