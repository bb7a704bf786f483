import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../support/pulumiProgram";

test("a config mistake stops preview before anything is registered, naming the field", async () => {
  const run = await runProgram("disagg", {
    config: {
      "dynamo-bench:workers": { prefill: { replicaz: 6 }, decode: { replicas: 0 } },
      "dynamo-bench:storage": { storageClassName: "your-storage-class-name" },
    },
    preview: true,
  });
  assert.ok(run.error, "the program must fail");
  assert.ok(pulumi.RunError.isInstance(run.error), "a RunError ends preview with its message alone, no stack trace");
  assert.match(run.error.message, /Invalid config in Pulumi\.disagg\.yaml/);
  assert.match(run.error.message, /dynamo-bench:workers\.prefill\.replicaz: unknown key/);
  assert.match(run.error.message, /dynamo-bench:workers\.decode\.replicas: must be a whole number from 1 to 2147483647/);
  assert.match(run.error.message, /dynamo-bench:storage\.storageClassName: .*kubectl get storageclass/);
  assert.deepEqual(run.resources, []);
});
