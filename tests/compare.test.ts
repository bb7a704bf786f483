import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifactDir, FIVE_REQUESTS, recordLine, type RequestSpec } from "./support/aiperfArtifacts";
import { runCli, STACK_TRACE } from "./support/cli";

const records = (specs: RequestSpec[]) => specs.map(recordLine).join("\n") + "\n";
/** The candidate: TTFT 40% lower and ITL 20% lower than the baseline, request by request. */
const faster = FIVE_REQUESTS.map((r) => ({ ...r, ttft: r.ttft && r.ttft * 0.6, itl: r.itl && r.itl * 0.8 }));

function resultsDir(fromArtifacts: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
  const summary = runCli(["summarize", fromArtifacts, "--json"]).stdout;
  writeFileSync(join(dir, "summary.json"), summary);
  return dir;
}

describe("compare", () => {
  const baseline = artifactDir(records(FIVE_REQUESTS));
  const candidate = artifactDir(records(faster));

  test("--json gives each statistic of both runs with its change as a percent and a ratio", () => {
    const result = runCli(["compare", baseline, candidate, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const { rows, caveats } = JSON.parse(result.stdout);
    assert.deepEqual(caveats, []);
    const p90 = rows.find((r: any) => r.metric === "time_to_first_token" && r.statistic === "p90");
    assert.equal(p90.baseline, 1_060);
    assert.ok(Math.abs(p90.candidate - 636) < 1e-9);
    assert.ok(Math.abs(p90.changePercent + 40) < 1e-9);
    assert.ok(Math.abs(p90.ratio - 0.6) < 1e-9);
    const itl = rows.find((r: any) => r.metric === "inter_token_latency" && r.statistic === "avg");
    assert.ok(Math.abs(itl.changePercent + 20) < 1e-9);
    assert.deepEqual(
      rows.map((r: any) => `${r.metric}.${r.statistic}`),
      [
        ...["time_to_first_token", "inter_token_latency", "request_latency"].flatMap((m) => ["avg", "p50", "p90", "p99"].map((s) => `${m}.${s}`)),
        "goodput.fraction",
      ],
    );
  });

  test("the table is side by side, with the change and the ratio", () => {
    const result = runCli(["compare", baseline, candidate]);
    assert.match(result.stdout, /Time to first token p90 \(ms\)\s+1,060\.00\s+636\.00\s+-40\.0%\s+0\.600×/);
    assert.match(result.stdout, /Goodput \(fraction of requests\)\s+50\.00%\s+50\.00%\s+0\.0%\s+1\.000×/);
  });

  test("--markdown is a table to paste into a pull request", () => {
    const result = runCli(["compare", baseline, candidate, "--markdown"]);
    assert.match(result.stdout, /^### dynamo-bench: baseline vs candidate/);
    assert.match(result.stdout, /\| metric \| baseline \| candidate \| change \| ratio \|\n\| --- \| ---: \| ---: \| ---: \| ---: \|/);
    assert.match(result.stdout, /\| Inter-token latency p99 \(ms\) \| 49\.60 \| 39\.68 \| -20\.0% \| 0\.800× \|/);
  });

  test("--out writes a self-contained HTML report with the CDFs and percentile bars as inline SVG", () => {
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    const result = runCli(["compare", baseline, candidate, "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    const html = readFileSync(out, "utf8");
    assert.equal(html.match(/<svg /g)?.length, 4);
    for (const title of ["Time to first token: CDF", "Inter-token latency: CDF", "Time to first token: percentiles", "Inter-token latency: percentiles"]) {
      assert.ok(html.includes(title), title);
    }
    assert.doesNotMatch(html, /<script|<link|src="http/, "no scripts and nothing fetched");
    assert.match(html, /<td class="right">-40\.0%<\/td>/);
  });

  test("takes a local results directory (summary.json) as readily as an artifact directory", () => {
    const fromResults = JSON.parse(runCli(["compare", resultsDir(baseline), candidate, "--json"]).stdout);
    const fromArtifacts = JSON.parse(runCli(["compare", baseline, candidate, "--json"]).stdout);
    assert.deepEqual(fromResults.rows, fromArtifacts.rows);
  });

  test("says when the runs are less comparable than they look", () => {
    const shorter = artifactDir(records(faster.slice(0, 3)));
    const { caveats } = JSON.parse(runCli(["compare", baseline, shorter, "--json", "--goodput", "time_to_first_token:1000"]).stdout);
    assert.equal(caveats.length, 1);
    assert.match(caveats[0], /different numbers of requests \(6 and 3\)/);
  });

  test("mistakes exit 1 with a message naming the directory, and no stack trace", () => {
    const empty = mkdtempSync(join(tmpdir(), "dynamo-bench-empty-"));
    const corrupt = mkdtempSync(join(tmpdir(), "dynamo-bench-corrupt-"));
    writeFileSync(join(corrupt, "summary.json"), JSON.stringify({ requests: {} }));
    for (const [dir, message] of [
      ["/nonexistent/run", /\/nonexistent\/run: no such directory/],
      [empty, /holds neither aiperf's artifacts nor a summary\.json/],
      [corrupt, /summary\.json: not a dynamo-bench summary \(requests\.total: /],
    ] as const) {
      const result = runCli(["compare", baseline, dir]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });
});
