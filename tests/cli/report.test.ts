import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportRun } from "../../cli/report";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { benchmarkSummaryCallback } from "../../stack/hooks/benchmarkHooks";
import { logMarkers, summaryFiles, SUMMARY_JSON, SUMMARY_MARKDOWN, type SummaryFiles } from "../../analysis/summary/summaryFiles";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { parseGoodput } from "../../domain/slos";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { runCli, runInstalledCli, STACK_TRACE } from "../support/cli";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-report-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

/** summary.json and summary.md of a committed sample run, as the summary container writes them. */
async function sampleSummary(stack: "agg" | "disagg"): Promise<SummaryFiles> {
  const dir = join(PROJECT_ROOT, "examples", `${stack}-sample`);
  const { summary, provenance } = await summarizeRun(dir, parseGoodput(RECIPE_GOODPUT));
  return summaryFiles(dir, summary, provenance);
}
const SAMPLES = { agg: sampleSummary("agg"), disagg: sampleSummary("disagg") };

/** A results root with one saved run per stack, copied from the committed sample runs' summaries. */
async function resultsRoot(runs: { stack: "agg" | "disagg"; runId: string; failure?: string }[]): Promise<string> {
  const root = join(scratch, `results-${++count}`);
  for (const { stack, runId, failure } of runs) {
    const dir = join(root, stack, runId);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(await SAMPLES[stack])) writeFileSync(join(dir, file), text);
    const run = { stack, variant: stack, runId, jobName: `${stack}-benchmark-${runId}`, ...(failure && { failure }) };
    writeFileSync(join(dir, "run.json"), JSON.stringify(run));
  }
  return root;
}

describe("report <run-dir>", () => {
  test("compares the run with every other stack's newest run, agg the baseline, and can be run again", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    const dir = join(root, "disagg", "22222222");
    const printed: string[] = [];
    await reportRun(dir, { print: (text) => printed.push(text), tracePath: "unused" });
    assert.match(printed.join("\n"), /agg \(baseline\) vs disagg \(candidate\), also in .*comparison-vs-agg\.\{md,html\}/);
    const first = readFileSync(join(dir, "comparison-vs-agg.md"), "utf8");
    await reportRun(dir, { print: () => undefined, tracePath: "unused" });
    assert.equal(readFileSync(join(dir, "comparison-vs-agg.md"), "utf8"), first, "the same comparison, written anew");
    assert.ok(existsSync(join(dir, "comparison-vs-agg.html")));
  });

  test("another stack's run that cannot be read is a note that says its file's path once", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    writeFileSync(join(root, "agg", "11111111", "summary.json"), "{}");
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    const note = printed.find((text) => text.startsWith("Not compared with "));
    assert.equal(note?.split(join(root, "agg", "11111111")).length, 2, `the path once: ${note}`);
    assert.match(note!, /^Not compared with \S+\/agg\/11111111\/summary\.json: it has no schemaVersion/);
  });

  test("a run that did not succeed is said so, and neither predicted nor compared", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222", failure: "the Job failed: BackoffLimitExceeded" },
    ]);
    const printed: string[] = [];
    const config = parseStackConfig({ variant: "disagg" }, "test");
    await reportRun(join(root, "disagg", "22222222"), { config, print: (text) => printed.push(text), tracePath: "unused" });
    assert.deepEqual(printed, [
      "Benchmark run 22222222 did not succeed (the Job failed: BackoffLimitExceeded): it is neither predicted beside nor compared with.",
    ]);
  });

  test("as a command: a directory that is not a saved run is one line and exit 1", async () => {
    for (const dir of [join(scratch, "missing"), join(PROJECT_ROOT, "examples", "agg-sample")]) {
      const result = await runInstalledCli(["report", dir]);
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /^error: .*holds no run\.json; give a run directory that `pulumi up` saved, results\/<stack>\/<run-id>\n/,
      );
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });

  test("as a command: without the run's stack file, the prediction is a note and the comparison is made", async () => {
    const root = await resultsRoot([{ stack: "agg", runId: "11111111" }]);
    const dir = join(root, "nightly", "11111111");
    renameSync(join(root, "agg"), join(root, "nightly"));
    writeFileSync(join(dir, "run.json"), JSON.stringify({ stack: "nightly", variant: "agg", runId: "11111111", jobName: "x" }));
    const other = await resultsRoot([{ stack: "disagg", runId: "22222222" }]);
    cpSync(join(other, "disagg"), join(root, "disagg"), { recursive: true });
    const result = await runCli(["report", dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^No prediction saved: there is no Pulumi\.nightly\.yaml to simulate; give --stack or --config-file\.$/m);
    assert.match(result.stdout, /^nightly \(baseline\) vs disagg \(candidate\), also in /m);
  });
});

describe("report refuses what would give a wrong report", () => {
  test("a run outside its stack's folder, another stack's config, a -s that is not the run's, or a trace that cannot be read", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    const agg = join(root, "agg", "11111111");
    const moved = join(root, "elsewhere", "11111111");
    cpSync(agg, moved, { recursive: true });
    const disaggFile = join(PROJECT_ROOT, "Pulumi.disagg.yaml");
    for (const [args, message] of [
      [[moved], /elsewhere\/11111111: its run\.json names stack agg, but it is in elsewhere\/: report reads a run where/],
      [[agg, "--config-file", disaggFile], /the stack config to predict with is disagg, but run 11111111 is agg/],
      [[agg, "-s", "disagg"], /--stack: .* is a run of agg \(its run\.json says so\), not of disagg; give -s agg/],
      [
        [agg, "--trace", join(root, "missing.jsonl")],
        /^error: --trace: .*missing\.jsonl: no such file or directory; fetch the trace with npx dynamo-bench trace fetch .*\n$/,
      ],
      [[agg, "--trace", root], /^error: --trace: .*: it is a directory/],
      [[agg, "--trace", ""], /^error: --trace: give the trace file: the path is empty; fetch the trace /],
    ] as const) {
      const result = await runCli(["report", ...args]);
      assert.equal(result.status, 1, `${args.join(" ")}: ${result.stdout}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
    assert.equal(existsSync(join(agg, "prediction.json")), false, "no prediction of another stack was saved");
  });

  test("a run whose own summary cannot be read is the mistake, not a note on its comparisons", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    writeFileSync(join(root, "disagg", "22222222", "summary.json"), "[]");
    const result = await runCli(["report", join(root, "disagg", "22222222")]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*22222222\/summary\.json: not a dynamo-bench summary/);
  });

  test("another stack's folder holding a run.json of this stack is skipped with a note, never compared as the other stack", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    cpSync(join(root, "disagg", "22222222"), join(root, "agg", "33333333"), { recursive: true });
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    const text = printed.join("\n");
    assert.match(text, /Skipped a saved run that cannot be read: .*agg\/33333333\/run\.json: names stack disagg, not agg/);
    assert.match(text, /agg \(baseline\) vs disagg \(candidate\)/);
    assert.doesNotMatch(text, /disagg · 22222222 vs disagg/);
  });
});

describe("a run directory with its artifacts and no summary.json", () => {
  test("its goodput is not known, as no SLOs are recorded: never 100% of requests within none", async () => {
    const root = join(scratch, `results-${++count}`);
    for (const [stack, runId] of [
      ["agg", "11111111"],
      ["disagg", "22222222"],
    ]) {
      const dir = join(root, stack, runId);
      cpSync(join(PROJECT_ROOT, "examples", `${stack}-sample`), join(dir, "artifacts"), { recursive: true });
      writeFileSync(join(dir, "run.json"), JSON.stringify({ stack, variant: stack, runId, jobName: `${stack}-benchmark-${runId}` }));
    }
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    const text = printed.join("\n");
    assert.match(text, /^Goodput SLOs: none recorded, so goodput is not known$/m);
    assert.match(text, /^Goodput \(fraction of requests\) +not known +not known +n\/a +—$/m);
    assert.doesNotMatch(text, /100\.00%/);
    const markdown = readFileSync(join(root, "disagg", "22222222", "comparison-vs-agg.md"), "utf8");
    assert.match(markdown, /^\| Goodput \(fraction of requests\) \| not known \| not known \| n\/a \| — \|$/m);
  });

  test("summarize: a saved summary.json that records no SLOs says its goodput is not known, not 100% meeting nothing", async () => {
    const root = await resultsRoot([{ stack: "agg", runId: "11111111" }]);
    const path = join(root, "agg", "11111111", SUMMARY_JSON);
    const summary = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...summary, goodput: { slos: {}, goodRequests: summary.requests.total, fraction: 1 } }));
    const result = await runCli(["summarize", join(root, "agg", "11111111")]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Goodput: not known: no SLOs recorded$/m);
  });
});

describe("which run of another stack a run is compared with", () => {
  const runJson = (dir: string) => join(dir, "run.json");
  /** Dates a saved run in its run.json, as the hook does, and gives the file a modification time that says otherwise. */
  function dated(dir: string, savedAt: string | undefined, mtime: Date): void {
    const run = JSON.parse(readFileSync(runJson(dir), "utf8"));
    const file = savedAt === undefined ? run : { kind: "dynamo-bench run", schemaVersion: 1, ...run, savedAt };
    writeFileSync(runJson(dir), JSON.stringify(file));
    utimesSync(runJson(dir), mtime, mtime);
  }
  const LONG_AGO = new Date("2001-01-01T00:00:00Z");
  const NOW = new Date();

  test("is the newest by the savedAt its run.json records, whatever the files' times, and is named with its date", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "aaaa1111" },
      { stack: "agg", runId: "bbbb2222" },
      { stack: "agg", runId: "cccc3333" },
      { stack: "disagg", runId: "22222222" },
    ]);
    dated(join(root, "agg", "aaaa1111"), "2026-01-01T00:00:00.000Z", NOW);
    dated(join(root, "agg", "bbbb2222"), "2026-02-01T09:30:00.000Z", LONG_AGO);
    // A run.json from before runs were dated is older than any dated run, however new the file looks.
    dated(join(root, "agg", "cccc3333"), undefined, NOW);
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    assert.match(
      printed.join("\n"),
      /agg \(baseline\) vs disagg \(candidate\), .*; agg's newest run is bbbb2222, saved 2026-02-01 09:30 UTC:/,
    );
  });

  test("runs that record no date, or the same one, are not guessed between: the stack is not compared, with a note", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "aaaa1111" },
      { stack: "agg", runId: "bbbb2222" },
      { stack: "disagg", runId: "22222222" },
    ]);
    utimesSync(runJson(join(root, "agg", "aaaa1111")), NOW, NOW);
    utimesSync(runJson(join(root, "agg", "bbbb2222")), LONG_AGO, LONG_AGO);
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    assert.match(
      printed.join("\n"),
      /^Not compared: .*agg: its runs aaaa1111, bbbb2222 record no time they were saved, so which is the newest cannot be told; /m,
    );
    assert.doesNotMatch(printed.join("\n"), /\(baseline\) vs/);
    for (const runId of ["aaaa1111", "bbbb2222"]) dated(join(root, "agg", runId), "2026-01-01T00:00:00.000Z", NOW);
    printed.length = 0;
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    assert.match(printed.join("\n"), /its runs aaaa1111, bbbb2222 were saved at the same time, 2026-01-01 00:00 UTC/);
  });

  test("one undated run is the stack's only run: it is compared with, and said to be undated", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    assert.match(printed.join("\n"), /agg's newest run is 11111111, saved at a time its run\.json does not record:/);
  });

  test("a run directory whose run.json names another run (a copy under a new name) is skipped with a note", async () => {
    const root = await resultsRoot([
      { stack: "agg", runId: "11111111" },
      { stack: "disagg", runId: "22222222" },
    ]);
    dated(join(root, "agg", "11111111"), "2026-01-01T00:00:00.000Z", NOW);
    cpSync(join(root, "agg", "11111111"), join(root, "agg", "33333333"), { recursive: true });
    cpSync(join(root, "agg", "11111111"), join(root, "agg", "11111111-2"), { recursive: true });
    const printed: string[] = [];
    await reportRun(join(root, "disagg", "22222222"), { print: (text) => printed.push(text), tracePath: "unused" });
    const text = printed.join("\n");
    assert.match(text, /Skipped a saved run that cannot be read: .*agg\/33333333\/run\.json: names run 11111111, not 33333333/);
    assert.match(text, /its runs 11111111, 11111111-2 were saved at the same time/, "a second directory of one run is still its own");
  });
});

describe("the post-run hook", () => {
  test("runs `report` in a process of its own, and prints what it printed", async () => {
    const root = await resultsRoot([{ stack: "agg", runId: "11111111" }]);
    const files = await SAMPLES.disagg;
    const log = ([SUMMARY_JSON, SUMMARY_MARKDOWN] as const)
      .map((file) => `${logMarkers(file).begin}\n${files[file]}${logMarkers(file).end}\n`)
      .join("");
    const printed: string[] = [];
    const config = parseStackConfig({ variant: "disagg" }, "test");
    await benchmarkSummaryCallback(config, "disagg", {
      logs: { containerLog: async () => log },
      resultsRoot: root,
      print: (text) => printed.push(text),
    })({
      urn: "urn",
      id: "id",
      name: "benchmark-job",
      type: "kubernetes:batch/v1:Job",
      newOutputs: {
        metadata: { name: "disagg-router-6p-2d-benchmark-22222222" },
        spec: { template: { metadata: { labels: { "dynamo-bench/run-id": "22222222" } } } },
      },
    });
    const text = printed.join("\n");
    assert.match(text, /Benchmark run 22222222 of stack disagg, saved in/);
    assert.match(text, /No prediction saved: the trace is not at .*traces\/conversation_trace\.jsonl/);
    assert.match(text, /agg \(baseline\) vs disagg \(candidate\)/);
    assert.ok(existsSync(join(root, "disagg", "22222222", "comparison-vs-agg.html")));
  });
});
