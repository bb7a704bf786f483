import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { fileSha256 } from "../../lib/fileSha256";
import { predictRun } from "../../sim/runPrediction";
import { passBound } from "../../sim/passBound";
import { simulateStack } from "../../sim/simulateStack";
import { loadTrace } from "../../sim/traceSimulation";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";
import { testStackModel } from "../support/stackModels";

const HUGE = Number.MAX_SAFE_INTEGER;
const requests = [...conversationTrace(20)];
/** Twenty ordinary requests, and on line 21 one that asks for 2^53 − 1 output tokens. */
const hugeTrace = traceFile([...requests, { timestamp: 5, input_length: 100, output_length: HUGE, hash_ids: [1] }]);
const refusal =
  "error: " +
  `${hugeTrace}, line 21: input_length 100 + output_length 9,007,199,254,740,991 = 9,007,199,254,741,091 tokens, ` +
  "more than the stack serves: workers.maxModelLen in Pulumi.agg.yaml is 131,072; raise it, or drop the line " +
  "(use --skip-invalid to skip such lines)\n";

/** A stack file of its own, whose workers serve at most `maxModelLen` tokens. */
function stackWithModelLen(maxModelLen: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-bounds-")), "Pulumi.short.yaml");
  writeFileSync(path, `config:\n  dynamo-bench:variant: agg\n  dynamo-bench:workers:\n    maxModelLen: ${maxModelLen}\n`);
  return path;
}

describe("requests longer than the stack serves", () => {
  test("a request of 2^53 − 1 output tokens ends simulate and both sweeps with one line and exit 1", async () => {
    for (const command of [["simulate"], ["simulate", "sweep", "split"], ["simulate", "sweep", "capacity"]]) {
      const result = await runCli([...command, "--trace", hugeTrace, "-s", "agg"]);
      assert.equal(result.status, 1, command.join(" "));
      assert.equal(result.stderr, refusal);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.equal(result.stdout, "");
    }
  });

  test("--skip-invalid skips such a request and counts it, and the rest are simulated", async () => {
    const result = await runCli(["simulate", "--trace", hugeTrace, "-s", "agg", "--json", "--skip-invalid"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "warning: skipped 1 invalid line(s)\n");
    assert.equal(JSON.parse(result.stdout).goodput.total, requests.length);
  });

  test("the limit is the stack's workers.maxModelLen: a request at it is served, one token more is refused", async () => {
    const stackFile = stackWithModelLen(1000);
    const at = traceFile([{ timestamp: 0, input_length: 600, output_length: 400, hash_ids: [1, 2] }]);
    assert.equal((await runCli(["simulate", "--trace", at, "--config-file", stackFile])).status, 0);
    const past = traceFile([{ timestamp: 0, input_length: 600, output_length: 401, hash_ids: [1, 2] }]);
    const result = await runCli(["simulate", "--trace", past, "--config-file", stackFile]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*line 1: input_length 600 \+ output_length 401 = 1,001 tokens, .*workers\.maxModelLen in /);
    assert.match(result.stderr, /Pulumi\.short\.yaml is 1,000; raise it, or drop the line/);
  });

  test("calibrate refuses such a trace too, with the run's stack named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-bounds-"));
    writeFileSync(join(dir, "profile_export.jsonl"), "");
    const result = await runCli(["calibrate", dir, "--trace", hugeTrace, "-s", "agg"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*line 21: .* workers\.maxModelLen of stack agg is 131,072; raise it/);
  });

  test("the post-run hook's prediction ends with a note instead of simulating it", async () => {
    const config = parseStackConfig({ variant: "agg", benchmark: { traceSha256: await fileSha256(hugeTrace) } }, "test");
    const prediction = await predictRun(config, "agg", hugeTrace);
    assert.ok("note" in prediction);
    assert.match(
      prediction.note,
      /^no prediction saved: .*line 21: .* workers\.maxModelLen of stack agg is 131,072; raise it, or drop the line$/,
    );
  });
});

describe("the simulation's work", () => {
  test("its passes stay within passBound, in agg and in disagg", async () => {
    const trace = await loadTrace(traceFile([...conversationTrace(300)]));
    for (const engineModel of ["vllm", "mocker"] as const) {
      for (const decodeWorkers of [0, 2]) {
        const run = simulateStack(trace.requests, testStackModel({ engineModel, routedWorkers: 2, decodeWorkers }));
        const where = `${engineModel}: ${run.passes} passes, ${decodeWorkers} decode workers`;
        assert.ok(run.passes > 0 && run.passes <= passBound(trace.requests), where);
      }
    }
  });

  test("the mocker model ends with every request served or refused, however much it preempts", async () => {
    const trace = await loadTrace(traceFile([...conversationTrace(120)]));
    // KV for about one long prompt: requests preempt one another all the way through.
    const engine = { kvCapacityTokens: 40_000, blockSize: 64, maxBatchedTokens: 8192, maxNumSeqs: 256 };
    const run = simulateStack(trace.requests, testStackModel({ engineModel: "mocker", engine }));
    assert.ok(run.preemptions > 0, "the case preempts");
    const served = run.ttftMs.filter((ttft) => Number.isFinite(ttft)).length;
    assert.equal(served + run.refused, trace.requests.length);
  });

  test("a request of one token a pass still ends within its bound", () => {
    // Each pass can only emit one token here: the bound is tight, not loose by the batch size.
    const lone = [{ timestamp: 0, input_length: 0, output_length: 5000, hash_ids: [] }];
    for (const engineModel of ["vllm", "mocker"] as const) {
      const run = simulateStack(lone, testStackModel({ engineModel, routedWorkers: 1, decodeWorkers: 0 }));
      assert.ok(run.passes <= passBound(lone), `${engineModel}: ${run.passes} of ${passBound(lone)}`);
      assert.equal(run.passes, 5000);
    }
  });
});
