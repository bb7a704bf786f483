import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { runCli, STACK_TRACE } from "../support/cli";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-summarize-results-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const SAMPLE = join(PROJECT_ROOT, "examples", "agg-sample");
let count = 0;

/** results/agg/<run-id>/ as `pulumi up` saves it (run.json, summary.json, summary.md); the artifacts pulled into artifacts/ if asked. */
async function resultsDir({ pulled, saved = true }: { pulled: boolean; saved?: boolean }): Promise<string> {
  const runId = `1111111${++count}`;
  const dir = join(scratch, "results", "agg", runId);
  mkdirSync(dir, { recursive: true });
  const run = {
    kind: "dynamo-bench run",
    schemaVersion: 1,
    stack: "agg",
    variant: "agg",
    runId,
    jobName: "j",
    savedAt: "2026-01-01T00:00:00.000Z",
  };
  writeFileSync(join(dir, "run.json"), JSON.stringify(run));
  if (saved) {
    const json = await runCli(["summarize", SAMPLE, "--json"]);
    writeFileSync(join(dir, "summary.json"), json.stdout);
    writeFileSync(join(dir, "summary.md"), "## saved\n");
  }
  if (pulled) cpSync(SAMPLE, join(dir, "artifacts"), { recursive: true });
  return dir;
}

describe("summarize on a results directory, results/<stack>/<run-id>", () => {
  test("with only its saved summary.json: prints that summary, and says so", async () => {
    const dir = await resultsDir({ pulled: false });
    const result = await runCli(["summarize", dir]);
    assert.equal(result.status, 0, result.stderr);
    const fromArtifacts = (await runCli(["summarize", SAMPLE])).stdout;
    assert.match(result.stdout, /^Metrics from the run's saved summary\.json\.$/m);
    assert.match(result.stdout, /^Duration: 156\.28 s \(as its summary\.json gives it\)$/m);
    const table = (text: string) => text.slice(text.indexOf("metric  "));
    assert.equal(table(result.stdout), table(fromArtifacts), "the same figures as the artifacts it was made from");
    const json = await runCli(["summarize", dir, "--json"]);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")));
  });

  test("with only its saved summary.json: other --goodput SLOs and --write are refused in one line; the same SLOs are not", async () => {
    const dir = await resultsDir({ pulled: false });
    const goodput = await runCli(["summarize", dir, "--goodput", "time_to_first_token:500"]);
    assert.equal(goodput.status, 1);
    assert.match(
      goodput.stderr,
      new RegExp(
        String.raw`^error: --goodput: .* holds no aiperf artifacts, only its saved summary\.json, whose goodput counts ` +
          String.raw`time_to_first_token ≤ 2000 ms and inter_token_latency ≤ 25 ms; leave --goodput out`,
      ),
    );
    assert.equal(goodput.stderr.split("\n").length, 2);
    assert.equal((await runCli(["summarize", dir, "--goodput", "inter_token_latency:25 time_to_first_token:2000"])).status, 0);
    const write = await runCli(["summarize", dir, "--write"]);
    assert.equal(write.status, 1);
    assert.match(
      write.stderr,
      /^error: --write: .* holds no aiperf artifacts to summarize, only its saved summary\.json, which stays as it is\n$/,
    );
    assert.equal(readFileSync(join(dir, "summary.md"), "utf8"), "## saved\n");
  });

  test("with its artifacts pulled into artifacts/: summarizes them, with --goodput, as compare and calibrate find them", async () => {
    const dir = await resultsDir({ pulled: true });
    const result = await runCli(["summarize", dir, "--goodput", "time_to_first_token:500"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Metrics from aiperf's aggregate\.$/m);
    assert.match(result.stdout, /meet time_to_first_token ≤ 500$/m);
  });

  test("--write never writes over the run's saved summary; a pulled run without one gets one, as results pull writes it", async () => {
    const dir = await resultsDir({ pulled: true });
    const refused = await runCli(["summarize", dir, "--write"]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        String.raw`^error: --write: .* is a results directory, and its summary\.json is the run's saved summary, never written over; ` +
          String.raw`give .*\/artifacts to write a summary beside the artifacts\n$`,
      ),
    );
    assert.doesNotMatch(refused.stderr, STACK_TRACE);
    assert.equal(readFileSync(join(dir, "summary.md"), "utf8"), "## saved\n");
    const unsaved = await resultsDir({ pulled: true, saved: false });
    assert.equal((await runCli(["summarize", unsaved, "--write"])).status, 0);
    assert.ok(existsSync(join(unsaved, "summary.json")) && !existsSync(join(unsaved, "artifacts", "summary.json")));
  });

  test("compare takes a pulled results directory without a summary.json too, from its artifacts/", async () => {
    const dir = await resultsDir({ pulled: true, saved: false });
    const result = await runCli(["compare", dir, SAMPLE, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).baseline.source, "artifacts");
  });

  test("a directory with none of them says what it looked for, in one line", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const result = await runCli(["summarize", empty]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^error: .*empty: holds neither aiperf's profile_export\.jsonl or profile_export_aiperf\.json, in it or in its artifacts\/, nor a /,
    );
  });
});
