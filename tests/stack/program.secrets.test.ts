import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runProgram, SECRET_ENVELOPE_KEY } from "../support/pulumiProgram";
import { ofType } from "../support/resourceGraph";
import { configSet, storedConfigOf, writeStackFile } from "../support/pulumiConfigSet";
import { stackFileDir } from "../support/bothPaths";

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
  const stackFile = writeStackFile(dir, "agg", configSet(agg(), { key: "namespace", value: "team-secret-ns", path: false, secret: true }));
  const run = await runProgram("agg", { stackFile, preview: true });
  assert.ok(run.error);
  assert.match(
    run.error.message,
    /dynamo-bench:namespace: is stored as a secret, but its value goes into object names.*only hfToken and kubeContext may be secrets/,
  );
  assert.doesNotMatch(run.error.message, /team-secret-ns/);
});
