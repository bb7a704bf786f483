import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackFileDir } from "../support/bothPaths";
import { SCRIPTS } from "../support/clusterScripts";
import { configSet, storedConfigOf, writeStackFile } from "../support/pulumiConfigSet";
import { MOCK_RUN_ID, runProgram, SECRET_ENVELOPE_KEY, SECRET_SIGNATURE, type ProgramRun } from "../support/pulumiProgram";
import { describeRecipeStack } from "../support/recipeStack";
import { named, ofType, only, plain, providerOf, TYPES } from "../support/resourceGraph";

// The program (stack/index.ts) under Pulumi's mocks: each describe runs it afresh in this one process.
describeRecipeStack("agg");

describeRecipeStack("disagg");

describe("a config mistake", () => {
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
});

describe("options: a token, kubeContext, onDestroy and the access mode", () => {
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
});

describe("secrets in the stack file", () => {
  const { dir, cleanup } = stackFileDir();
  after(cleanup);
  const agg = () => storedConfigOf(readFileSync(join(PROJECT_ROOT, "Pulumi.agg.yaml"), "utf8"));

  test("a plain-text hfToken in the stack file stops pulumi up before any registration, with the command that encrypts it", async () => {
    const stackFile = writeStackFile(
      dir,
      "agg",
      configSet(agg(), { key: "hfToken", value: "hf_plaintext_token", path: false, secret: false }),
    );
    const run = await runProgram("agg", { stackFile, preview: true });
    assert.ok(run.error && pulumi.RunError.isInstance(run.error), "a RunError: the message alone, no stack trace");
    assert.match(
      run.error.message,
      /dynamo-bench:hfToken: is stored in plain text; store it encrypted instead: pulumi config set -s agg --secret hfToken <value>/,
    );
    assert.doesNotMatch(run.error.message, /hf_plaintext_token/);
    assert.deepEqual(run.resources, []);
  });

  test("a kubeContext stored as a secret reaches both providers as a secret and appears in no output", async () => {
    const stackFile = writeStackFile(dir, "agg", configSet(agg(), { key: "kubeContext", value: "prod-h200", path: false, secret: true }));
    const run = await runProgram("agg", { stackFile });
    assert.equal(run.error, undefined);
    const providers = ofType(run, "pulumi:providers:kubernetes");
    assert.equal(providers.length, 2);
    for (const provider of providers)
      assert.equal(provider.inputs.context[SECRET_ENVELOPE_KEY] !== undefined, true, `${provider.name}: context is a secret`);
    assert.doesNotMatch(JSON.stringify(run.outputs), /prod-h200/);
    assert.match(String(run.outputs.portForwardCommand), /--context="\$\(pulumi config get -s agg kubeContext\)"/);
  });

  test("a secret where only plain text can go is refused, not printed", async () => {
    const stackFile = writeStackFile(
      dir,
      "agg",
      configSet(agg(), { key: "namespace", value: "team-secret-ns", path: false, secret: true }),
    );
    const run = await runProgram("agg", { stackFile, preview: true });
    assert.ok(run.error);
    assert.match(
      run.error.message,
      /dynamo-bench:namespace: is stored as a secret, but its value goes into object names.*only hfToken and kubeContext may be secrets/,
    );
    assert.doesNotMatch(run.error.message, /team-secret-ns/);
  });
});

describe("graph.apiVersion v1beta1", () => {
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
});
