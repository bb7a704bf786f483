import { before, test } from "node:test";
import assert from "node:assert/strict";
import { runProgram, SECRET_ENVELOPE_KEY, SECRET_SIGNATURE, type ProgramRun } from "../support/pulumiProgram";
import { named, ofType, only, providerOf, TYPES } from "../support/resourceGraph";

const TOKEN = "hf_test_token_that_must_stay_secret";
let run: ProgramRun;

before(async () => {
  run = await runProgram("agg", {
    config: {
      "dynamo-bench:kubeContext": "h200-cluster",
      "dynamo-bench:onDestroy": { deleteModelCache: true },
      "dynamo-bench:storage": { accessMode: "ReadWriteOnce" },
    },
    secrets: { "dynamo-bench:hfToken": TOKEN },
  });
  assert.equal(run.error, undefined);
});

test("a token in config becomes a Secret of the stack's own, sent to the engine as a Pulumi secret", () => {
  const secret = only(run, TYPES.secret);
  assert.equal(secret.name, "agg-8xtp2-hf-token");
  assert.equal(providerOf(run, secret).name, "cluster");
  assert.deepEqual(secret.inputs.stringData, { [SECRET_ENVELOPE_KEY]: SECRET_SIGNATURE, value: { HF_TOKEN: TOKEN } });
});

test("the token appears in no other resource and in no output", () => {
  for (const resource of run.resources.filter((r) => r.type !== TYPES.secret)) {
    assert.doesNotMatch(JSON.stringify(resource.inputs), new RegExp(TOKEN), resource.name);
  }
  assert.doesNotMatch(JSON.stringify(run.outputs), new RegExp(TOKEN));
});

test("the download waits for the Secret it reads", () => {
  assert.ok(named(run, TYPES.job, "agg-8xtp2-model-download").dependencies.includes(only(run, TYPES.secret).urn));
});

test("onDestroy.deleteModelCache lets destroy delete both model caches, and still keeps the results", () => {
  assert.equal(named(run, TYPES.pvc, "model-cache").retainOnDelete, false);
  assert.equal(named(run, TYPES.pvc, "compilation-cache").retainOnDelete, false);
  assert.equal(named(run, TYPES.pvc, "perf-cache").retainOnDelete, true);
});

test("kubeContext reaches both providers", () => {
  const providers = ofType(run, TYPES.provider);
  assert.equal(providers.length, 2);
  for (const provider of providers) assert.equal(provider.inputs.context, "h200-cluster");
  assert.match(String(run.outputs.portForwardCommand), /--context=h200-cluster/);
});

test("a risky access mode is warned about at preview", () => {
  assert.equal(run.warnings.length, 1);
  assert.match(run.warnings[0], /ReadWriteOnce.*Multi-Attach/);
});
