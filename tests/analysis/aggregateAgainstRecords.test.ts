import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { parseGoodput } from "../../domain/slos";
import { aggregateFile, artifactDir, FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { runCli } from "../support/cli";

const SLOS = parseGoodput("time_to_first_token:2000 inter_token_latency:25");
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const run = (records: string, aggregate: unknown) => {
  const dir = artifactDir(records, aggregate);
  made.push(dir);
  return dir;
};

const block = (unit: string, value: number) => ({ unit, avg: value, p50: value, p90: value, p99: value, min: value, max: value });
/** An aggregate of a run whose every TTFT was 5 s: not the records beside it. */
const aggregateOf = (counts: Record<string, number>) =>
  aggregateFile({
    time_to_first_token: block("ms", 5_000),
    inter_token_latency: block("ms", 50),
    request_latency: block("ms", 9_000),
    ...Object.fromEntries(Object.entries(counts).map(([tag, count]) => [tag, { unit: "requests", avg: count }])),
    benchmark_duration: { unit: "sec", avg: 100 },
  });
const TWO_RECORDS = FIVE_REQUESTS.slice(0, 2).map(recordLine).join("\n") + "\n";

describe("aiperf's aggregate beside records of other requests", () => {
  test("an aggregate of 100 requests beside 2 records: the metrics are the records', and the text says why", async () => {
    const dir = run(TWO_RECORDS, aggregateOf({ request_count: 100 }));
    const { summary, provenance } = await summarizeRun(dir, SLOS);
    assert.equal(summary.metrics.time_to_first_token!.avg, 150, "the two records' 100 and 200 ms, not the aggregate's 5,000");
    assert.equal(summary.requests.total, 2);
    assert.equal(provenance.metricsFrom, "the per-request records");
    const why =
      "aiperf's aggregate counts 100 requests (request_count 100 + error_request_count 0), " +
      "but profile_export.jsonl holds 2: the aggregate is of other requests, another run's perhaps";
    assert.equal(provenance.aggregateSetAside, why);
    const text = (await runCli(["summarize", dir])).stdout;
    assert.ok(text.includes(`\nMetrics from the per-request records: ${why}.\n`), text);
    const json = await runCli(["summarize", dir, "--json"]);
    assert.equal(JSON.parse(json.stdout).metrics.time_to_first_token.avg, 150);
    assert.equal(json.stderr, `warning: the metrics are the per-request records' own: ${why}\n`);
    const compared = JSON.parse((await runCli(["compare", dir, dir, "--json"])).stdout);
    assert.ok(
      compared.notes.some((note: string) => note.endsWith(`its metrics are its records' own: ${why}`)),
      compared.notes,
    );
  });

  test("an aggregate that counts every record, failures in error_request_count, is used as before", async () => {
    const all = FIVE_REQUESTS.map(recordLine).join("\n") + "\n";
    const { summary, provenance } = await summarizeRun(run(all, aggregateOf({ request_count: 5, error_request_count: 1 })), SLOS);
    assert.match(provenance.metricsFrom, /^aiperf's aggregate/);
    assert.equal(provenance.aggregateSetAside, undefined);
    assert.equal(summary.metrics.time_to_first_token!.avg, 5_000);
  });

  test("records cut short by a truncated line are still the aggregate's, which counted that request", async () => {
    const cut = TWO_RECORDS + recordLine(FIVE_REQUESTS[2]).slice(0, 40);
    const { provenance } = await summarizeRun(run(cut, aggregateOf({ request_count: 3 })), SLOS);
    assert.match(provenance.metricsFrom, /^aiperf's aggregate/);
  });

  test("an aggregate with no count to check it by gives way to the records, and says so", async () => {
    const { provenance } = await summarizeRun(run(TWO_RECORDS, aggregateOf({})), SLOS);
    assert.equal(provenance.metricsFrom, "the per-request records");
    assert.equal(
      provenance.aggregateSetAside,
      "aiperf's aggregate gives no request_count to show it counts the same requests as the 2 records",
    );
  });
});
