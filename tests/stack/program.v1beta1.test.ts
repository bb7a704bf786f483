import { test } from "node:test";
import assert from "node:assert/strict";
import { runProgram, MOCK_RUN_ID } from "../support/pulumiProgram";
import { only, plain } from "../support/resourceGraph";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { SCRIPTS } from "../support/clusterScripts";

test("with graph.apiVersion v1beta1, pulumi up applies the v1beta1 graph that render prints, and waits on it the same way", async () => {
  const graph = { name: "disagg-router-6p-2d", apiVersion: "v1beta1" };
  const run = await runProgram("disagg", { config: { "dynamo-bench:graph": graph } });
  assert.equal(run.error, undefined);
  const registered = only(run, "kubernetes:nvidia.com/v1beta1:DynamoGraphDeployment");
  const config = parseStackConfig(
    {
      variant: "disagg",
      graph,
      frontend: { routerMode: "kv" },
      workers: { prefill: { replicas: 6, kvEvents: true }, decode: { replicas: 2 } },
    },
    "test",
  );
  assert.deepEqual(registered.inputs, plain(buildStackObjects(config, { stack: "disagg", runId: MOCK_RUN_ID }, SCRIPTS).dynamoGraph));
  assert.deepEqual(JSON.parse(registered.inputs.metadata.annotations["pulumi.com/waitFor"]), [
    "condition=Ready",
    "jsonpath={.status.state}=successful",
  ]);
});
