import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifactDir, FIVE_REQUESTS, recordLine, type RequestSpec } from "../support/aiperfArtifacts";
import { runCli, STACK_TRACE } from "../support/cli";
import { joinRequests } from "../../analysis/compare/requestErrors";
import { thinned } from "../../analysis/compare/requestScatter";
import { MAX_PREDICTED_REQUEST_LINE_BYTES, type PredictedRequest } from "../../analysis/runs/predictedRequestsFile";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-request-errors-"));
const made: string[] = [];
after(() => [scratch, ...made].forEach((dir) => rmSync(dir, { recursive: true, force: true })));
let files = 0;
const file = (text: string) => {
  const path = join(scratch, `${files++}.jsonl`);
  writeFileSync(path, text);
  return path;
};
const artifacts = (specs: RequestSpec[]) => {
  const dir = artifactDir(specs.map(recordLine).join("\n") + "\n");
  made.push(dir);
  return dir;
};

/** Six predicted requests a second apart; the fifth has one output token, so no ITL. */
const PREDICTED: PredictedRequest[] = [100, 110, 120, 130, 140, 150].map((ttftMs, index) => ({
  index,
  timestamp: index * 1000,
  inputLength: 1000 * (index + 1),
  worker: index % 2,
  hitTokens: 0,
  ttftMs,
  itlMs: [10, 12, 14, 15, null, 20][index],
  endMs: index * 1000 + 500,
}));
const predictedFile = (requests: PredictedRequest[] = PREDICTED) => file(requests.map((r) => JSON.stringify(r)).join("\n") + "\n");

/**
 * What the run measured: each request sent 50 ms after its place in the schedule (aiperf's clock
 * starts elsewhere), TTFT 100 ms and ITL 10 ms each. The third request has no record (aiperf did
 * not write it), and one record at 9 s is of no predicted request.
 */
const MEASURED: RequestSpec[] = [
  ...[0, 1, 3, 4, 5].map((i) => ({ startMs: 50 + i * 1000, endMs: 900 + i * 1000, ttft: 100, itl: 10, isl: 1000 * (i + 1), osl: 20 })),
  { startMs: 9050, endMs: 9900, ttft: 100, itl: 10, isl: 1000, osl: 20 },
];

describe("a per-request prediction joined to a run's records", () => {
  test("matches each record to its request in the schedule, and counts the missing record and the extra one", async () => {
    const { errors, pairs } = await joinRequests("--candidate-requests", predictedFile(), artifacts(MEASURED));
    assert.equal(errors.predicted, 6);
    assert.equal(errors.records, 6);
    assert.equal(errors.matched, 5);
    assert.equal(errors.predictedWithoutRecord, 1);
    assert.equal(errors.recordsWithoutPrediction, 1);
    assert.deepEqual(pairs.time_to_first_token, [
      [100, 100],
      [100, 110],
      [100, 130],
      [100, 140],
      [100, 150],
    ]);
    // The request of one output token has no ITL to compare.
    assert.deepEqual(pairs.inter_token_latency, [
      [10, 10],
      [10, 12],
      [10, 15],
      [10, 20],
    ]);
    // Δ 0, 10, 30, 40, 50 ms: linear between ranks, as numpy and aiperf take percentiles.
    assert.deepEqual(errors.metrics.time_to_first_token, {
      requests: 5,
      differenceMs: { p10: 4, p50: 30, p90: 46 },
      ratio: { p10: 1.04, p50: 1.3, p90: 1.46 },
    });
    const itl = errors.metrics.inter_token_latency!;
    assert.deepEqual([itl.requests, itl.differenceMs.p50, itl.ratio!.p50], [4, 3.5, 1.35]);
  });

  test("requests sharing a timestamp are told apart by their input length, whatever order aiperf sent them in", async () => {
    const same = PREDICTED.slice(0, 3).map((request) => ({ ...request, timestamp: 0 }));
    const records: RequestSpec[] = [
      { startMs: 0, endMs: 500, ttft: 300, itl: 10, isl: 3000, osl: 5 },
      { startMs: 0.1, endMs: 500, ttft: 100, itl: 10, isl: 1000, osl: 5 },
      { startMs: 0.2, endMs: 500, ttft: 200, itl: 10, isl: 2000, osl: 5 },
    ];
    const { errors, pairs } = await joinRequests("--candidate-requests", predictedFile(same), artifacts(records));
    assert.equal(errors.matched, 3);
    assert.deepEqual(pairs.time_to_first_token, [
      [300, 120],
      [100, 100],
      [200, 110],
    ]);
  });

  test("a scatter keeps at most 2,000 points, evenly through the schedule", () => {
    const many = Array.from({ length: 5000 }, (_, i) => i);
    const kept = thinned(many);
    assert.equal(kept.length, 2000);
    assert.deepEqual(kept.slice(0, 3), [0, 2, 5]);
    assert.deepEqual(thinned([1, 2, 3]), [1, 2, 3]);
  });
});

describe("compare with a per-request prediction", () => {
  test("the text gives each metric's error quantiles and the matched and unmatched counts", async () => {
    const result = await runCli(["compare", artifacts(FIVE_REQUESTS), artifacts(MEASURED), "--candidate-requests", predictedFile()]);
    assert.equal(result.status, 0, result.stderr);
    const text = result.stdout.slice(result.stdout.indexOf("Per request"));
    assert.match(text, /^Per request, predicted against measured \(Δ = predicted − measured\):\n/);
    assert.match(text, /\bTTFT\s+5\s+\+4\.00\s+\+30\.00\s+\+46\.00\s+1\.040×\s+1\.300×\s+1\.460×\n/);
    assert.match(text, /\bITL\s+4\s+\+0\.60\s+\+3\.50\s+\+8\.50\s+1\.060×\s+1\.350×\s+1\.850×\n/);
    assert.match(
      text,
      /: 5 of 6 predicted requests matched one of 6 records; 1 predicted without a record, 1 record without a prediction: over 10% /,
    );
  });

  test("a prediction of another trace is matched to few records, and the text says so", async () => {
    const elsewhere = PREDICTED.map((request) => ({ ...request, inputLength: request.inputLength * 10 }));
    const result = await runCli([
      "compare",
      artifacts(FIVE_REQUESTS),
      artifacts(MEASURED),
      "--candidate-requests",
      predictedFile(elsewhere),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /: 0 of 6 predicted requests matched one of 6 records; 6 predicted without a record, 6 records without a /);
    assert.match(
      result.stdout,
      /: over 10% of the records match no predicted request, so the prediction may be of another trace than the run replayed\n$/,
    );
    assert.match(result.stdout, /\bTTFT\s+0\s+n\/a\s+n\/a/);
  });

  test("--json carries the errors under the run, and --markdown the table", async () => {
    const [baseline, candidate, requests] = [artifacts(FIVE_REQUESTS), artifacts(MEASURED), predictedFile()];
    const json = JSON.parse((await runCli(["compare", baseline, candidate, "--candidate-requests", requests, "--json"])).stdout);
    assert.equal(json.candidate.requestErrors.matched, 5);
    assert.deepEqual(json.candidate.requestErrors.metrics.time_to_first_token.differenceMs, { p10: 4, p50: 30, p90: 46 });
    assert.equal(json.baseline.requestErrors, undefined);
    const markdown = (await runCli(["compare", baseline, candidate, "--baseline-requests", requests, "--markdown"])).stdout;
    assert.match(markdown, /#### Per request, predicted against measured/);
    assert.match(markdown, /\| TTFT \| \d+ \|/);
  });

  test("the HTML report draws predicted against measured, a scatter per metric, with the line y = x", async () => {
    const out = join(scratch, "report.html");
    const result = await runCli([
      "compare",
      artifacts(FIVE_REQUESTS),
      artifacts(MEASURED),
      "--candidate-requests",
      predictedFile(),
      "--out",
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<h2>Per request, predicted against measured<\/h2>/);
    const svgs = (html.match(/<svg [\s\S]*?<\/svg>/g) ?? []).filter((svg) => svg.includes("predicted against measured"));
    assert.equal(svgs.length, 2);
    assert.match(svgs[0], /Time to first token, predicted against measured/);
    assert.match(svgs[1], /Inter-token latency, predicted against measured/);
    assert.match(svgs[0], /5 matched requests/);
    assert.match(svgs[0], /stroke-dasharray/);
    // A point a matched request: ECharts draws a scatter's symbols as paths.
    assert.equal((svgs[1].match(/<path d="M[^"]*A/g) ?? []).length, 4);
  });
});

describe("a per-request file that is not one is one error line", () => {
  const line = JSON.stringify(PREDICTED[0]);
  const cases: [string, () => string, RegExp][] = [
    [
      "a line that is not JSON",
      () => file(`${line}\n{"index":1,\n`),
      /: line 2: is not JSON; give the file simulate --requests-out wrote$/,
    ],
    [
      "a field of the wrong type",
      () => file(`${line}\n${line.replace('"index":0', '"index":"1"')}\n`),
      /: line 2: index is "1": it should be a whole number ≥ 0 \(the request's place in the trace, from 0\)$/,
    ],
    [
      "an itlMs below 0",
      () => file(line.replace('"itlMs":10', '"itlMs":-1')),
      /: line 1: itlMs is -1: it should be a number of milliseconds ≥ 0, /,
    ],
    [
      "a number too large to be one",
      () => file(line.replace(/"ttftMs":[^,]*/, '"ttftMs":1e999')),
      /: line 1: ttftMs is Infinity: it should be /,
    ],
    [
      "a field it does not know",
      () => file(line.replace("{", '{"extra":1,')),
      /: line 1: has the field "extra", which no prediction line has; give the file simulate --requests-out wrote$/,
    ],
    [
      "an empty object",
      () => file("{}\n"),
      /: line 1: has no index: it should be a whole number ≥ 0 \(the request's place in the trace, from 0\)$/,
    ],
    [
      "a missing itlMs",
      () => file(line.replace(/"itlMs":[^,]*,/, "")),
      /: line 1: has no itlMs: it should be .*, or null for a request of one output token$/,
    ],
    [
      "a line that is not an object",
      () => file("[]\n"),
      /: line 1: is an array, not an object with index, timestamp, .*; give the file simulate/,
    ],
    ["a line that is null", () => file("null\n"), /: line 1: is null, not an object with index, /],
    ["lines out of order", () => file(`${line}\n${line}\n`), /: line 2: index is 0, expected 1$/],
    [
      "a line too long to be one",
      () => file(`${line}\n${" ".repeat(MAX_PREDICTED_REQUEST_LINE_BYTES + 1)}\n`),
      /: line 2: is longer than 4096 bytes, which no prediction line is$/,
    ],
    ["an empty file", () => file(""), /: holds no requests$/],
    [
      "a directory",
      () => {
        const dir = join(scratch, `dir-${files++}`);
        mkdirSync(dir);
        return dir;
      },
      /: cannot read it \(it is a directory, not a file\)$/,
    ],
    ["nothing there", () => join(scratch, "absent.jsonl"), /: cannot read it \(no such file or directory\)$/],
  ];
  if (spawnSync("mkfifo", ["--version"]).error === undefined) {
    cases.push([
      "a pipe",
      () => {
        const fifo = join(scratch, `fifo-${files++}`);
        assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
        return fifo;
      },
      /: cannot read it \(it is not a regular file \(a pipe or a device would be read until it ends\)\)$/,
    ]);
  }
  for (const [what, make, message] of cases) {
    test(what, async () => {
      const path = make();
      const result = await runCli(["compare", artifacts(FIVE_REQUESTS), artifacts(MEASURED), "--baseline-requests", path]);
      assert.equal(result.status, 1);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0].startsWith(`error: --baseline-requests ${path}`), lines[0]);
      assert.match(lines[0], message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    });
  }

  test("a run with no records to join to says where it looked", async () => {
    const results = mkdtempSync(join(scratch, "results-"));
    writeFileSync(join(results, "summary.json"), (await runCli(["summarize", artifacts(FIVE_REQUESTS), "--json"])).stdout);
    const result = await runCli(["compare", artifacts(FIVE_REQUESTS), results, "--candidate-requests", predictedFile()]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: --candidate-requests: .* holds no profile_export\.jsonl, in it or in artifacts\/: [^\n]+\n$/);
  });
});
