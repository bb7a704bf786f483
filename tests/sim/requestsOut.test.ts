import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTrace, predictedRequests, simulateTraceRun } from "../../sim/traceSimulation";
import { predictedRequestSchema } from "../../analysis/runs/predictedRequestsFile";
import { runCli, STACK_TRACE } from "../support/cli";
import { testStackModel } from "../support/stackModels";
import { traceFile } from "../support/traceFixtures";
import type { TraceRequest } from "../../sim/trace/traceFile";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-requests-out-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let made = 0;
const fresh = () => join(scratch, `${made++}`);

/** Three requests, the file out of timestamp order: the second line is the latest, the last has one output token. */
const REQUESTS: TraceRequest[] = [
  { timestamp: 0, input_length: 1024, output_length: 10, hash_ids: [1, 2] },
  { timestamp: 5000, input_length: 1024, output_length: 3, hash_ids: [1, 2] },
  { timestamp: 100, input_length: 600, output_length: 1, hash_ids: [3, 4] },
];
const SLOS = { time_to_first_token: 1000, inter_token_latency: 30 };

function stackFile(variant: "agg" | "disagg"): string {
  const dir = fresh();
  mkdirSync(dir);
  const path = join(dir, `Pulumi.${variant}.yaml`);
  writeFileSync(path, `config:\n  dynamo-bench:variant: ${variant}\n`);
  return path;
}

const lines = (path: string) =>
  readFileSync(path, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("simulate --requests-out writes each request's prediction", () => {
  test("a line per request in timestamp order, each its own figures, itlMs null for one output token", async () => {
    const trace = await loadTrace(traceFile(REQUESTS));
    const { report, run } = simulateTraceRun(trace, testStackModel({ routedWorkers: 2 }), SLOS);
    const predicted = [...predictedRequests(trace, run)];
    assert.deepEqual(
      predicted.map(({ index, timestamp, inputLength, worker }) => [index, timestamp, inputLength, worker]),
      [
        [0, 0, 1024, 0],
        [1, 100, 600, 1],
        [2, 5000, 1024, 0],
      ],
    );
    assert.equal(predicted[1].itlMs, null);
    assert.ok(predicted.every((request) => !("decodeWorker" in request)));
    // The second visit to worker 0 finds both 512-token blocks cached, less the last token vLLM computes anyway.
    assert.deepEqual(
      predicted.map((request) => request.hitTokens),
      [0, 0, 1023],
    );
    for (const [i, request] of predicted.entries()) {
      assert.equal(request.ttftMs, Math.round(run.ttftMs[i] * 1000) / 1000);
      assert.equal(request.endMs, Math.round((request.timestamp + run.latencyMs[i]) * 1000) / 1000);
      assert.ok(request.endMs >= request.timestamp + request.ttftMs);
    }
    assert.equal(predicted[0].itlMs, Math.round(run.itlMs[0] * 1000) / 1000);
    assert.equal(report.latency.timeToFirstToken!.p50 > 0, true);
  });

  test("the command writes that shape exactly: agg without decodeWorker, disagg with it", async () => {
    const trace = traceFile(REQUESTS);
    for (const variant of ["agg", "disagg"] as const) {
      const out = join(fresh(), "deep", "requests.jsonl");
      const result = await runCli(["simulate", "--trace", trace, "--config-file", stackFile(variant), "--requests-out", out]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /wrote .*requests\.jsonl/);
      const written = lines(out);
      assert.equal(written.length, 3);
      const keys = ["index", "timestamp", "inputLength", "worker", ...(variant === "disagg" ? ["decodeWorker"] : []), "hitTokens"];
      for (const line of written) {
        assert.deepEqual(Object.keys(line), [...keys, "ttftMs", "itlMs", "endMs"]);
        assert.ok(predictedRequestSchema.safeParse(line).success);
      }
      assert.deepEqual(
        written.map((line) => [line.index, line.timestamp]),
        [
          [0, 0],
          [1, 100],
          [2, 5000],
        ],
      );
      assert.equal(written[1].itlMs, null);
      assert.equal(typeof written[0].itlMs, "number");
    }
  });

  test("--policy all is refused, one policy per file, and nothing is simulated or written", async () => {
    const out = join(fresh(), "requests.jsonl");
    const result = await runCli(["simulate", "--trace", traceFile(REQUESTS), "-s", "agg", "--policy", "all", "--requests-out", out]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      "error: --requests-out: holds one policy's predictions; give --policy round-robin, random or kv, not all\n",
    );
    assert.equal(existsSync(out), false);
  });

  test("a directory, an empty path or a pipe at --requests-out is one error line, before the simulation", async () => {
    const dir = fresh();
    mkdirSync(dir);
    const cases: [string, string][] = [
      [dir, `error: --requests-out ${dir}: is a directory; give a file path\n`],
      ["", "error: --requests-out: give a file path\n"],
    ];
    if (spawnSync("mkfifo", ["--version"]).error === undefined) {
      const fifo = join(dir, "fifo");
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      cases.push([fifo, `error: --requests-out ${fifo}: is a pipe or socket, which would block until read; give a file path\n`]);
    }
    for (const [out, message] of cases) {
      // A trace that is not there: the refusal comes before it is read.
      const result = await runCli(["simulate", "--trace", join(dir, "missing.jsonl"), "-s", "agg", "--requests-out", out]);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, message);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    }
  });

  test("simulate sweep takes no --requests-out", async () => {
    const result = await runCli(["simulate", "sweep", "capacity", "--trace", traceFile(REQUESTS), "-s", "agg", "--requests-out", "x"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: unknown option '--requests-out'/);
  });
});
