import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { aggregateFile, artifactDir, FIVE_REQUESTS, recordLine, type RequestSpec } from "../support/aiperfArtifacts";
import { random } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";
import { clipCurve, cdfPoints } from "../../analysis/compare/charts";
import { CDF_POINTS, quantilePoints } from "../../analysis/compare/requestCdf";
import { symlinkLoop } from "../support/symlinkLoop";

const records = (specs: RequestSpec[]) => specs.map(recordLine).join("\n") + "\n";
/** The candidate: TTFT 40% lower and ITL 20% lower than the baseline, request by request. */
const faster = FIVE_REQUESTS.map((r) => ({ ...r, ttft: r.ttft && r.ttft * 0.6, itl: r.itl && r.itl * 0.8 }));
/** At TTFT ≤ 250 ms, 2 of the baseline's 6 requests are good and 4 of the candidate's: +33.33 points, though +100% relative. */
const TTFT_250 = ["--goodput", "time_to_first_token:250"];

async function resultsDir(fromArtifacts: string, goodput: string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
  const summary = (await runCli(["summarize", fromArtifacts, "--json", ...goodput])).stdout;
  writeFileSync(join(dir, "summary.json"), summary);
  return dir;
}

/** A copy of an artifact directory, as the post-run hook would save it: with a run.json beside. */
function withRunJson(dir: string, runJson: string | { dir: true }): string {
  const copy = join(mkdtempSync(join(tmpdir(), "dynamo-bench-run-")), basename(dir));
  cpSync(dir, copy, { recursive: true });
  if (typeof runJson === "string") writeFileSync(join(copy, "run.json"), runJson);
  else mkdirSync(join(copy, "run.json"));
  return copy;
}

const runJson = (stack: string, runId: string) => JSON.stringify({ stack, variant: stack, runId, jobName: `dynamo-bench-${runId}` });

/** The SVGs of an HTML report, in order. */
const svgsOf = (html: string) => html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];

/** Each line series of an ECharts SVG, as the number of points its path goes through. */
function linePoints(svg = ""): number[] {
  return [...svg.matchAll(/<g clip-path="url\(#[^)]+\)">\n<path d="(M[^"]+)"/g)].map((m) => m[1].split("L").length);
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** The text of every <text> element of an SVG, entities decoded. */
const textsOf = (svg = "") =>
  [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]));

/** A run of `count` requests with a long tail and one far outlier, deterministic for a seed. */
function longTailRun(count: number, seed: number, outlierTtft: number): string {
  const next = random(seed);
  const specs: RequestSpec[] = Array.from({ length: count }, (_, i) => {
    const ttft = 200 + 600 * -Math.log(1 - next());
    return { startMs: i * 10, endMs: i * 10 + ttft + 2_000, ttft, itl: 15 + 10 * next(), latency: ttft + 2_000, isl: 1_000, osl: 100 };
  });
  specs.push({ startMs: 1, endMs: 99_001, ttft: outlierTtft, itl: 400, latency: 99_000, isl: 1_000, osl: 100 });
  return artifactDir(records(specs));
}

describe("compare", () => {
  const baseline = artifactDir(records(FIVE_REQUESTS));
  const candidate = artifactDir(records(faster));

  test("--json gives each statistic of both runs with its change as a percent and a ratio", async () => {
    const result = await runCli(["compare", baseline, candidate, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const { rows, caveats, notes } = JSON.parse(result.stdout);
    assert.deepEqual(caveats, []);
    assert.deepEqual(notes, []);
    const p90 = rows.find((r: any) => r.metric === "time_to_first_token" && r.statistic === "p90");
    assert.equal(p90.baseline, 1_060);
    assert.ok(Math.abs(p90.candidate - 636) < 1e-9);
    assert.ok(Math.abs(p90.changePercent + 40) < 1e-9);
    assert.ok(Math.abs(p90.ratio - 0.6) < 1e-9);
    assert.equal(p90.changePoints, null);
    const itl = rows.find((r: any) => r.metric === "inter_token_latency" && r.statistic === "avg");
    assert.ok(Math.abs(itl.changePercent + 20) < 1e-9);
    assert.deepEqual(
      rows.map((r: any) => `${r.metric}.${r.statistic}`),
      [
        ...["time_to_first_token", "inter_token_latency", "request_latency"].flatMap((m) =>
          ["avg", "p50", "p90", "p99"].map((s) => `${m}.${s}`),
        ),
        "failed_requests.fraction",
        "goodput.fraction",
      ],
    );
  });

  test("the table is side by side, with the change and the ratio", async () => {
    const result = await runCli(["compare", baseline, candidate]);
    assert.match(result.stdout, /Time to first token p90 \(ms\)\s+1,060\.00\s+636\.00\s+-40\.0%\s+0\.600×/);
    assert.match(result.stdout, /Goodput \(fraction of requests\)\s+33\.33%\s+50\.00%\s+\+16\.67 pts\s+—/);
  });

  test("--markdown is a table to paste into a pull request", async () => {
    const result = await runCli(["compare", baseline, candidate, "--markdown"]);
    assert.match(result.stdout, /^### dynamo-bench: baseline vs candidate/);
    assert.match(result.stdout, /\| metric \| baseline \| candidate \| change \| ratio \|\n\| --- \| ---: \| ---: \| ---: \| ---: \|/);
    assert.match(result.stdout, /\| Inter-token latency p99 \(ms\) \| 49\.60 \| 39\.68 \| -20\.0% \| 0\.800× \|/);
  });

  test("--out writes a self-contained HTML report with the CDFs and percentile bars as inline SVG", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    const result = await runCli(["compare", baseline, candidate, "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    const html = readFileSync(out, "utf8");
    assert.equal(svgsOf(html).length, 4);
    for (const title of [
      "Time to first token: CDF",
      "Inter-token latency: CDF",
      "Time to first token: percentiles",
      "Inter-token latency: percentiles",
    ]) {
      assert.ok(html.includes(title), title);
    }
    assert.doesNotMatch(html, /<script|<link|src="http/, "no scripts and nothing fetched");
    assert.match(html, /<td class="right">-40\.0%<\/td>/);
    for (const svg of svgsOf(html))
      assert.match(svg, /^<svg [^>]*>\n<rect width="760" height="\d+" x="0" y="0" fill="#ffffff"><\/rect>/, "an opaque white background");
  });

  test("takes a local results directory (summary.json) as readily as an artifact directory", async () => {
    const fromResults = JSON.parse((await runCli(["compare", await resultsDir(baseline), candidate, "--json"])).stdout);
    const fromArtifacts = JSON.parse((await runCli(["compare", baseline, candidate, "--json"])).stdout);
    assert.deepEqual(fromResults.rows, fromArtifacts.rows);
    assert.equal(fromResults.baseline.source, "summary.json");
    assert.equal(fromArtifacts.baseline.source, "artifacts");
  });

  test("says when the runs are less comparable than they look", async () => {
    const shorter = artifactDir(records(faster.slice(0, 3)));
    const { caveats } = JSON.parse(
      (await runCli(["compare", baseline, shorter, "--json", "--goodput", "time_to_first_token:1000"])).stdout,
    );
    assert.equal(caveats.length, 1);
    assert.match(caveats[0], /different numbers of requests \(6 and 3\)/);
  });

  test("mistakes exit 1 with a message naming the directory, and no stack trace", async () => {
    const empty = mkdtempSync(join(tmpdir(), "dynamo-bench-empty-"));
    const corrupt = mkdtempSync(join(tmpdir(), "dynamo-bench-corrupt-"));
    writeFileSync(join(corrupt, "summary.json"), JSON.stringify({ schemaVersion: 1, requests: {} }));
    for (const [dir, message] of [
      ["/nonexistent/run", /\/nonexistent\/run: no such directory/],
      [empty, /holds neither aiperf's artifacts nor a summary\.json/],
      [corrupt, /summary\.json: not a dynamo-bench summary \(requests\.total: /],
    ] as const) {
      const result = await runCli(["compare", baseline, dir]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });
});

describe("compare: goodput in points, failed requests and SLOs", () => {
  const baseline = artifactDir(records(FIVE_REQUESTS));
  // The candidate is faster, and its fifth request failed too.
  const candidate = artifactDir(records(faster.map((r, i) => (i === 4 ? { ...r, error: true } : r))));

  test("--json gives goodput's and failures' change in percentage points, with no relative change or ratio", async () => {
    const { rows } = JSON.parse((await runCli(["compare", baseline, candidate, "--json", ...TTFT_250])).stdout);
    const goodput = rows.find((r: any) => r.metric === "goodput");
    assert.ok(Math.abs(goodput.baseline - 2 / 6) < 1e-12);
    assert.ok(Math.abs(goodput.candidate - 4 / 6) < 1e-12);
    assert.ok(Math.abs(goodput.changePoints - 100 / 3) < 1e-9, `${goodput.changePoints}`);
    assert.equal(goodput.changePercent, null, "a relative change (+100%) would overstate it");
    assert.equal(goodput.ratio, null);
    const failed = rows.find((r: any) => r.metric === "failed_requests");
    assert.deepEqual([failed.baseline, failed.candidate, failed.changePercent, failed.ratio], [1 / 6, 2 / 6, null, null]);
    assert.ok(Math.abs(failed.changePoints - 100 / 6) < 1e-9);
  });

  test("the text and Markdown tables show goodput's change as +33.33 pts, and each run's failed requests", async () => {
    const text = (await runCli(["compare", baseline, candidate, ...TTFT_250])).stdout;
    assert.match(text, /^Goodput \(fraction of requests\)\s+33\.33%\s+66\.67%\s+\+33\.33 pts\s+—$/m);
    assert.doesNotMatch(text, /\+100\.0%/);
    assert.match(text, /^Failed requests\s+1 of 6 \(16\.67%\)\s+2 of 6 \(33\.33%\)\s+\+16\.67 pts\s+—$/m);
    assert.match(text, /^Baseline: .*: 6 requests, 1 failed$/m);
    assert.match(text, /^Candidate: .*: 6 requests, 2 failed$/m);
    const markdown = (await runCli(["compare", baseline, candidate, "--markdown", ...TTFT_250])).stdout;
    assert.match(markdown, /\| Goodput \(fraction of requests\) \| 33\.33% \| 66\.67% \| \+33\.33 pts \| — \|/);
    assert.match(markdown, /\| Failed requests \| 1 of 6 \(16\.67%\) \| 2 of 6 \(33\.33%\) \| \+16\.67 pts \| — \|/);
  });

  test("the HTML report shows the points and the failures too", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    assert.equal((await runCli(["compare", baseline, candidate, "--out", out, ...TTFT_250])).status, 0);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<td class="right">\+33\.33 pts<\/td>/);
    assert.match(html, /<td class="right">2 of 6 \(33\.33%\)<\/td>/);
    assert.match(html, /6 requests, 2 failed<\/li>/);
  });

  test("text, Markdown and HTML state the SLOs that goodput counts, with their units", async () => {
    const slos = "Goodput SLOs: time_to_first_token ≤ 2000 ms and inter_token_latency ≤ 25 ms";
    assert.ok((await runCli(["compare", baseline, candidate])).stdout.includes(`\n${slos}\n`));
    assert.ok((await runCli(["compare", baseline, candidate, "--markdown"])).stdout.includes(`\n${slos}.\n`));
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    await runCli(["compare", baseline, candidate, "--out", out]);
    assert.ok(readFileSync(out, "utf8").includes(`<p>${slos}.`));
  });

  test("runs whose goodput counts different SLOs show each run's", async () => {
    const text = (await runCli(["compare", await resultsDir(baseline, TTFT_250), candidate])).stdout;
    assert.match(
      text,
      new RegExp(
        "^Goodput SLOs: baseline time_to_first_token ≤ 250 ms; " +
          "candidate time_to_first_token ≤ 2000 ms and inter_token_latency ≤ 25 ms$",
        "m",
      ),
    );
    assert.match(text, /^Note: the two runs' goodput counts different SLOs\.$/m);
  });
});

describe("compare: runs named by their run.json", () => {
  const artifacts = artifactDir(records(FIVE_REQUESTS));
  const agg = withRunJson(artifacts, runJson("agg", "20251107-1432"));
  const disagg = withRunJson(artifacts, runJson("disagg", "20251107-1610"));

  test("a run.json labels the run by stack and run id, in text, Markdown, JSON and HTML", async () => {
    const text = (await runCli(["compare", agg, disagg])).stdout;
    assert.ok(
      text.startsWith(`Baseline:  agg · 20251107-1432 (${agg}): 6 requests, 1 failed\nCandidate: disagg · 20251107-1610 (${disagg}):`),
      text,
    );
    assert.match(
      (await runCli(["compare", agg, disagg, "--markdown"])).stdout,
      /^Baseline `agg · 20251107-1432` \(`[^`]+`, 6 requests, 1 failed\), candidate `disagg · 20251107-1610`/m,
    );
    const json = JSON.parse((await runCli(["compare", agg, disagg, "--json"])).stdout);
    assert.deepEqual(
      [json.baseline.label, json.baseline.stack, json.baseline.runId, json.baseline.dir],
      ["agg · 20251107-1432", "agg", "20251107-1432", agg],
    );
    assert.deepEqual([json.candidate.stack, json.candidate.runId], ["disagg", "20251107-1610"]);
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    await runCli(["compare", agg, disagg, "--out", out]);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<h1>dynamo-bench: agg · 20251107-1432 vs disagg · 20251107-1610<\/h1>/);
    const legend = textsOf(svgsOf(html)[0]);
    assert.ok(
      legend.includes("agg · 20251107-1432 (baseline)") && legend.includes("disagg · 20251107-1610 (candidate)"),
      legend.join(" | "),
    );
  });

  test("a run.json of another stack in a results/<stack>/<run-id> folder labels nothing: the run is named by its directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    const [aggRun, copied] = [join(root, "agg", "r1"), join(root, "disagg", "r2")];
    cpSync(agg, aggRun, { recursive: true });
    cpSync(artifacts, copied, { recursive: true });
    writeFileSync(join(aggRun, "run.json"), runJson("agg", "r1"));
    // Another stack's run.json naming agg, copied into disagg's folder, would read "agg · r1" against "agg · r2".
    writeFileSync(join(copied, "run.json"), runJson("agg", "r2"));
    const json = JSON.parse((await runCli(["compare", aggRun, copied, "--json"])).stdout);
    assert.deepEqual([json.baseline.label, json.candidate.label, json.candidate.stack], ["agg · r1", "r2", null]);
    assert.deepEqual(json.notes, [
      `${join(copied, "run.json")} names stack agg, but the run is in disagg/; the run is labelled by its directory`,
    ]);
    rmSync(root, { recursive: true, force: true });
  });

  test("without a run.json, a run is labelled by its directory's name, with no note", async () => {
    const json = JSON.parse((await runCli(["compare", artifacts, agg, "--json"])).stdout);
    assert.deepEqual([json.baseline.label, json.baseline.stack, json.baseline.runId], [basename(artifacts), null, null]);
    assert.deepEqual(json.notes, []);
  });

  const hostile: [string, string | { dir: true }, RegExp][] = [
    ["that is not JSON", "{ stack: agg", /run\.json is not JSON; the run is labelled by its directory/],
    [
      "with fields of the wrong types",
      JSON.stringify({ stack: 5, runId: ["x"], variant: "agg", jobName: "j" }),
      /run\.json is not a run record \(stack: /,
    ],
    [
      "holding a string of a million characters",
      JSON.stringify({ stack: "a".repeat(1e6), runId: "1" }),
      /run\.json is \d+ bytes, too large for a run record/,
    ],
    ["with a 500-character stack name", runJson("a".repeat(500), "1"), /run\.json is not a run record \(stack: is not a short name/],
    [
      "with markup and terminal escape sequences",
      runJson("<img src=x onerror=alert(1)>", "\u001b[31mred"),
      /run\.json is not a run record \(stack: /,
    ],
    ["that is a JSON array", "[1, 2]", /run\.json is not a run record \(the value: /],
    ["that is null", "null", /run\.json is not a run record/],
    ["that is a directory", { dir: true }, /run\.json cannot be read \(it is a directory, not a file\)/],
  ];
  for (const [name, content, note] of hostile) {
    test(`a run.json ${name} does not stop the comparison: the run is labelled by its directory, with a note`, async () => {
      const dir = withRunJson(artifacts, content);
      const result = await runCli(["compare", dir, agg, "--json"]);
      assert.equal(result.status, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      assert.deepEqual([json.baseline.label, json.baseline.stack, json.baseline.runId], [basename(dir), null, null]);
      assert.equal(json.notes.length, 1);
      assert.match(json.notes[0], note);
      assert.ok(json.notes[0].length < 500, "the note does not repeat the file");
      const text = await runCli(["compare", dir, agg]);
      assert.match(text.stdout, /^Note: .*run\.json .*labelled by its directory\.$/m);
      assert.doesNotMatch(text.stdout + text.stderr, /\u001b|<img/);
      assert.doesNotMatch(text.stderr, STACK_TRACE);
    });
  }

  test("a FIFO named run.json is not read (it would block), and the run is labelled by its directory", async () => {
    const dir = withRunJson(artifacts, "{}");
    const fifoDir = mkdtempSync(join(tmpdir(), "dynamo-bench-fifo-"));
    cpSync(join(dir, "profile_export.jsonl"), join(fifoDir, "profile_export.jsonl"));
    assert.equal(spawnSync("mkfifo", [join(fifoDir, "run.json")]).status, 0);
    const json = JSON.parse((await runCli(["compare", fifoDir, agg, "--json"])).stdout);
    assert.equal(json.baseline.label, basename(fifoDir));
    assert.match(json.notes[0], /run\.json cannot be read \(it is not a regular file/);
  });

  test("a run.json that is a symbolic link to itself is not followed, and the run is labelled by its directory", async () => {
    const dir = withRunJson(artifacts, "{}");
    rmSync(join(dir, "run.json"));
    symlinkSync("run.json", join(dir, "run.json"));
    const result = await runCli(["compare", dir, agg, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.baseline.label, basename(dir));
    assert.match(json.notes[0], /run\.json cannot be read \(its symbolic links loop\)/);
  });

  test("a directory name with control characters is labelled without them", async () => {
    const parent = mkdtempSync(join(tmpdir(), "dynamo-bench-odd-"));
    const odd = join(parent, "run\u001b[2Jx");
    cpSync(artifacts, odd, { recursive: true });
    const json = JSON.parse((await runCli(["compare", odd, agg, "--json"])).stdout);
    assert.equal(json.baseline.label, "run?[2Jx");
  });
});

describe("compare: the CDF charts", () => {
  test("quantilePoints thins sorted values to evenly spaced quantiles from the min to the max", () => {
    const sorted = Float64Array.from({ length: 10_001 }, (_, i) => i);
    const points = quantilePoints(sorted);
    assert.equal(points.length, CDF_POINTS);
    assert.deepEqual(points[0], [0, 0]);
    assert.deepEqual(points.at(-1), [10_000, 1]);
    for (const [value, fraction] of points) assert.ok(Math.abs(value - fraction * 10_000) < 1e-6);
    assert.deepEqual(
      quantilePoints([3, 5, 9]),
      [
        [3, 0],
        [5, 0.5],
        [9, 1],
      ],
      "fewer values than points: every value",
    );
    assert.deepEqual(quantilePoints([]), []);
  });

  test("clipCurve stops a curve at the limit, ending on it where the curve goes on", () => {
    assert.deepEqual(
      clipCurve(
        [
          [0, 0],
          [10, 0.5],
          [30, 1],
        ],
        20,
      ),
      [
        [0, 0],
        [10, 0.5],
        [20, 0.75],
      ],
    );
    assert.deepEqual(
      clipCurve(
        [
          [0, 0],
          [10, 1],
        ],
        20,
      ),
      [
        [0, 0],
        [10, 1],
      ],
    );
  });

  test("from aiperf's per-request records, each run's CDF is drawn through about 300 quantiles, and the chart says so", async () => {
    const baseline = longTailRun(2_000, 1, 60_000);
    const candidate = longTailRun(2_000, 2, 1_000);
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    const result = await runCli(["compare", baseline, candidate, "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    const [ttft, , itl] = svgsOf(readFileSync(out, "utf8"));
    for (const svg of [ttft, itl]) {
      const points = linePoints(svg);
      assert.equal(points.length, 2, "a line per run");
      // Cut at the larger p99: the curve that reaches it keeps 99% of its 300 quantiles; none keeps more.
      assert.ok(points.every((n) => n <= CDF_POINTS + 1) && Math.max(...points) >= 0.98 * CDF_POINTS, points.join(", "));
      assert.ok(textsOf(svg).includes(`Drawn from each run's per-request values, thinned to ${CDF_POINTS} quantiles`));
    }
  });

  test("one outlier does not squeeze the curves: the x-axis ends at the larger p99, and says so", async () => {
    const baseline = longTailRun(1_000, 3, 1e7);
    const candidate = longTailRun(1_000, 4, 900);
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    await runCli(["compare", baseline, candidate, "--out", out]);
    const { rows } = JSON.parse((await runCli(["compare", baseline, candidate, "--json"])).stdout);
    const p99 = rows.filter((r: any) => r.metric === "time_to_first_token" && r.statistic === "p99");
    const end = Math.max(p99[0].baseline, p99[0].candidate);
    const texts = textsOf(svgsOf(readFileSync(out, "utf8"))[0]);
    const axisName = texts.find((t) => t.includes("axis cut at the larger p99"));
    assert.ok(axisName, texts.join(" | "));
    assert.ok(axisName.includes(`(${end.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ms)`), axisName);
    const ticks = texts.filter((t) => /^[\d,.]+$/.test(t)).map((t) => Number(t.replace(/,/g, "")));
    assert.ok(
      ticks.length >= 3 && Math.max(...ticks) <= end,
      `x ticks ${ticks.join(", ")} stop at the p99 ${end}, far below the 10,000,000 ms outlier`,
    );
    assert.ok(texts.some((t) => t === "0%") && texts.some((t) => t === "100%"), "the y-axis is in percent");
  });

  test("a run with only a summary.json is drawn through its 11 percentiles, and the chart says which run is which", async () => {
    const artifacts = artifactDir(records(FIVE_REQUESTS));
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    assert.equal((await runCli(["compare", await resultsDir(artifacts), await resultsDir(artifacts), "--out", out])).status, 0);
    const ttft = svgsOf(readFileSync(out, "utf8"))[0];
    assert.ok(
      linePoints(ttft).every((n) => n <= 11),
      linePoints(ttft).join(", "),
    );
    assert.ok(textsOf(ttft).includes("Drawn through each run's min, p1, p5, p10, p25, p50, p75, p90, p95, p99 and max only"));

    const mixedOut = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "report.html");
    assert.equal((await runCli(["compare", await resultsDir(artifacts), longTailRun(500, 5, 900), "--out", mixedOut])).status, 0);
    const texts = textsOf(svgsOf(readFileSync(mixedOut, "utf8"))[0]);
    assert.ok(
      texts.some((t) => /\(baseline\): through its min, p1…p99 and max only$/.test(t)),
      texts.join(" | "),
    );
    assert.ok(
      texts.some((t) => /\(candidate\): from every request \(501\), thinned to 300 quantiles$/.test(t)),
      texts.join(" | "),
    );
  });

  test("cdfPoints pins a summary's CDF to its min, percentiles and max", () => {
    const metric = {
      unit: "ms",
      avg: 5,
      min: 1,
      max: 9,
      std: 1,
      p1: 1.1,
      p5: 1.5,
      p10: 2,
      p25: 3,
      p50: 5,
      p75: 7,
      p90: 8,
      p95: 8.5,
      p99: null,
    };
    assert.deepEqual(
      cdfPoints(metric).map(([, f]) => f),
      [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1],
      "a null percentile is left out",
    );
  });
});

describe("compare --out", () => {
  const baseline = artifactDir(records(FIVE_REQUESTS));

  test("creates the report's parent folders", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dynamo-bench-report-")), "slides", "week-46", "report.html");
    const result = await runCli(["compare", baseline, baseline, "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(readFileSync(out, "utf8"), /^<!doctype html>/);
  });

  test("a folder or an unwritable path is one line naming --out, with no stack trace", async () => {
    const folder = mkdtempSync(join(tmpdir(), "dynamo-bench-report-"));
    const file = join(folder, "a-file");
    writeFileSync(file, "");
    for (const [out, message] of [
      [folder, /^error: --out .*: is a directory; give a file path\n$/],
      [join(file, "report.html"), /^error: --out .*: cannot write it \(.+\)\n$/],
    ] as const) {
      const result = await runCli(["compare", baseline, baseline, "--out", out]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
    }
  });
});

describe("compare: summary.json figures no run can give", () => {
  const summaryOf = async () => JSON.parse((await runCli(["summarize", artifactDir(records(FIVE_REQUESTS)), "--json"])).stdout);
  const compareWith = async (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    writeFileSync(join(dir, "summary.json"), text);
    return await runCli(["compare", dir, artifactDir(records(FIVE_REQUESTS))]);
  };
  const withTtft = (summary: any, stats: Record<string, number | null>) =>
    JSON.stringify({
      ...summary,
      metrics: { ...summary.metrics, time_to_first_token: { ...summary.metrics.time_to_first_token, ...stats } },
    });

  test("a negative, infinite or out-of-order statistic is refused, naming the metric and the statistic", async () => {
    const summary = await summaryOf();
    const cases: [string, RegExp][] = [
      [withTtft(summary, { p50: -5 }), /metrics\.time_to_first_token\.p50: is negative \(-5\), which no value in ms is\)$/],
      [
        withTtft(summary, { p90: 1e308 }),
        /metrics\.time_to_first_token\.p95: is [\d.]+, less than p90 \(1e\+308\); they must rise from min to max\)$/,
      ],
      [withTtft(summary, { p50: 2_000 }), /metrics\.time_to_first_token\.p75: is 400, less than p50 \(2000\)/],
      [withTtft(summary, { avg: 1_600 }), /metrics\.time_to_first_token\.avg: is 1600, more than max \(1500\)/],
      [withTtft(summary, { std: -1 }), /metrics\.time_to_first_token\.std: is negative \(-1\), which no standard deviation is/],
      [withTtft(summary, { p99: 777 }).replace('"p99":777', '"p99":1e400'), /metrics\.time_to_first_token\.p99: .*received Infinity/],
      [JSON.stringify({ ...summary, durationSeconds: -3 }), /durationSeconds: Too small/],
    ];
    for (const [text, message] of cases) {
      const result = await compareWith(text);
      assert.equal(result.status, 1, text);
      assert.match(result.stderr, /^error: .*summary\.json: not a dynamo-bench summary \(/);
      assert.match(result.stderr.trimEnd(), message);
    }
  });

  test("statistics left unknown (null) are still compared", async () => {
    const result = await compareWith(withTtft(await summaryOf(), { min: null, p1: null, p50: null, avg: null }));
    assert.equal(result.status, 0, result.stderr);
  });

  const versions: [string, (summary: any) => unknown, RegExp][] = [
    [
      "with no schemaVersion, as written before results were versioned",
      (summary) => ({ ...summary, schemaVersion: undefined }),
      new RegExp(
        String.raw`summary\.json: it has no schemaVersion: .*; ` +
          String.raw`summarize the run's artifacts again with this version \(npx dynamo-bench summarize <artifact-dir> --write\)\n$`,
      ),
    ],
    [
      "with a newer schemaVersion",
      (summary) => ({ ...summary, schemaVersion: 3 }),
      /summary\.json: its schemaVersion is 3, newer than the 2 this dynamo-bench reads: update dynamo-bench\n$/,
    ],
    [
      'with schemaVersion "1", text rather than a number',
      (summary) => ({ ...summary, schemaVersion: "1" }),
      /summary\.json: its schemaVersion is "1", not a whole number such as 2: not a dynamo-bench summary\n$/,
    ],
    [
      "with schemaVersion 1.5",
      (summary) => ({ ...summary, schemaVersion: 1.5 }),
      /summary\.json: its schemaVersion is 1\.5, not a whole number such as 2/,
    ],
    [
      "with an older schemaVersion",
      (summary) => ({ ...summary, schemaVersion: 0 }),
      /summary\.json: its schemaVersion is 0, older than the 1 this dynamo-bench reads; summarize the run's artifacts again/,
    ],
  ];
  for (const [name, edit, message] of versions) {
    test(`a summary.json ${name} is refused, saying what to do`, async () => {
      const result = await compareWith(JSON.stringify(edit(await summaryOf())));
      assert.equal(result.status, 1);
      assert.match(result.stderr, message);
    });
  }
});

describe("compare: directories and files that are not what they seem", () => {
  test("a 1 GiB summary.json is refused unread, saying how large it is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    const path = join(dir, "summary.json");
    writeFileSync(path, "");
    truncateSync(path, 2 ** 30);
    const result = await runCli(["compare", dir, artifactDir(records(FIVE_REQUESTS))]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^error: .*summary\.json: cannot read it \(it is 1,073,741,824 bytes, more than the 1 MiB a summary\.json can be\)\n$/,
    );
  });

  const sides: [string, () => string, RegExp][] = [
    ["a regular file", () => join(artifactDir(records(FIVE_REQUESTS)), "profile_export.jsonl"), /: it is a file, not a directory\n$/],
    ["a symbolic link to itself", symlinkLoop, /: its symbolic links loop\n$/],
  ];
  sides.push([
    "a FIFO",
    () => {
      const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-fifo-")), "run");
      assert.equal(spawnSync("mkfifo", [path]).status, 0);
      return path;
    },
    /: it is not a directory\n$/,
  ]);
  for (const [name, path, message] of sides) {
    test(`compare given ${name} as a run says what it is`, async () => {
      const result = await runCli(["compare", artifactDir(records(FIVE_REQUESTS)), path()]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^error: /);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    });
  }

  test("a summary.json whose symbolic links loop is named as such, not as missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    symlinkSync("summary.json", join(dir, "summary.json"));
    const result = await runCli(["compare", dir, artifactDir(records(FIVE_REQUESTS))]);
    assert.match(result.stderr, /^error: .*summary\.json: cannot read it \(its symbolic links loop\)\n$/);
  });

  test("aiperf records whose symbolic links loop are named, not taken for a results directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-run-"));
    symlinkSync("profile_export.jsonl", join(dir, "profile_export.jsonl"));
    const result = await runCli(["compare", dir, artifactDir(records(FIVE_REQUESTS))]);
    assert.match(result.stderr, /^error: .*profile_export\.jsonl: its symbolic links loop\n$/);
  });
});

test("compare --markdown keeps a unit with line breaks inside its cell: each table row stays one line", async () => {
  const run = (unit: string) =>
    artifactDir(
      undefined,
      aggregateFile({
        request_count: { unit: "requests", avg: 10 },
        time_to_first_token: { unit, avg: 100, p50: 100, p90: 120, p99: 130 },
      }),
    );
  const unit = "ms\n| injected | row |\r\nand\rmore";
  const result = await runCli(["compare", run(unit), run(unit), "--markdown"]);
  assert.equal(result.status, 0, result.stderr);
  const rows = result.stdout.split("\n").filter((line) => line.includes("Time to first token"));
  assert.equal(rows.length, 4);
  for (const row of rows)
    assert.match(row, /^\| Time to first token \w+ \(ms<br>\\\| injected \\\| row \\\|<br>and<br>more\) \| [\d.]+ \| /);
  assert.doesNotMatch(result.stdout, /^\\\| injected|^and|^more/m);
});
