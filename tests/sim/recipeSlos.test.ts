import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { fileSha256 } from "../../lib/fileSha256";
import { predictRun } from "../../sim/runPrediction";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli } from "../support/cli";

const tracePath = traceFile([...conversationTrace(60)]);
/** The recipe's, written out rather than imported: a change to RECIPE_GOODPUT must fail here too. */
const RECIPE = { time_to_first_token: 2000, inter_token_latency: 25 };

describe("goodput is predicted at the recipe's SLOs, TTFT ≤ 2,000 ms and ITL ≤ 25 ms, unless --goodput says otherwise", () => {
  test("simulate, on every stack of the project", async () => {
    for (const stack of ["agg", "disagg", "mock-agg", "mock-disagg"]) {
      const result = await runCli(["simulate", "--trace", tracePath, "-s", stack, "--json"]);
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual([report.settings.slos, report.goodput.slos], [RECIPE, RECIPE], stack);
    }
  });

  test("simulate sweep split, for every split", async () => {
    const result = await runCli(["simulate", "sweep", "split", "--trace", tracePath, "-s", "disagg", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    for (const split of JSON.parse(result.stdout).splits) assert.deepEqual(split.goodput.slos, RECIPE, split.split);
  });

  test("the prediction pulumi up saves beside a run, which report shows", async () => {
    const config = parseStackConfig({ variant: "agg", benchmark: { traceSha256: await fileSha256(tracePath) } }, "test");
    const prediction = await predictRun(config, "agg", tracePath);
    assert.ok("text" in prediction, JSON.stringify(prediction));
    assert.deepEqual(JSON.parse(prediction.text).goodput.slos, RECIPE);
  });

  test("--goodput replaces them", async () => {
    const result = await runCli(["simulate", "--trace", tracePath, "-s", "agg", "--json", "--goodput", "time_to_first_token:1000"]);
    assert.deepEqual(JSON.parse(result.stdout).goodput.slos, { time_to_first_token: 1000 });
  });
});
