import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { availableStacks, PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects, objectsInApplyOrder } from "../../stack/builders/stackObjects";
import { REDACTED_TOKEN } from "../../stack/builders/hfTokenSecret";
import { RENDER_RUN_ID } from "../../stack/builders/benchmarkRun";
import { runCli, STACK_TRACE } from "../support/cli";
import { SCRIPTS } from "../support/clusterScripts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "dynamo-bench-render-"));
}

function stackFile(text: string): string {
  const path = join(tempDir(), "Pulumi.custom.yaml");
  writeFileSync(path, text);
  return path;
}

describe("render --stack", () => {
  for (const stack of availableStacks()) {
    test(`${stack}: prints every object pulumi up applies, as multi-document YAML`, async () => {
      const result = await runCli(["render", "--stack", stack]);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, "");
      const documents = yaml.loadAll(result.stdout);
      const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
      const expected = objectsInApplyOrder(buildStackObjects(config, { stack, runId: RENDER_RUN_ID }, SCRIPTS));
      assert.deepEqual(documents, JSON.parse(JSON.stringify(expected)));
    });
  }

  test("works as the README documents it, through npm", () => {
    const result = spawnSync("npm", ["run", "--silent", "cli", "--", "render", "--stack", "agg"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /kind: DynamoGraphDeployment/);
  });

  test("a stack that does not exist is named, with the stacks that do", async () => {
    const result = await runCli(["render", "--stack", "prod"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /error: --stack: there is no Pulumi\.prod\.yaml; the stacks here are: agg, disagg/);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
  });

  test("without --stack or --config-file it says which to give", async () => {
    const result = await runCli(["render"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /give --stack or --config-file/);
  });
});

describe("render --config-file", () => {
  test("renders another stack file, and never shows the token", async () => {
    const path = stackFile("config:\n  dynamo-bench:variant: disagg\n  dynamo-bench:hfToken:\n    secure: v1:ZW5jcnlwdGVkdG9rZW4=\n");
    const result = await runCli(["render", "--config-file", path]);
    assert.equal(result.status, 0, result.stderr);
    const secret = yaml.loadAll(result.stdout).find((doc: any) => doc.kind === "Secret") as any;
    assert.deepEqual(secret.stringData, { HF_TOKEN: REDACTED_TOKEN });
    assert.doesNotMatch(result.stdout, /ZW5jcnlwdGVk/);
  });

  test("invalid config: exit 1 and one message naming each field, with no stack trace", async () => {
    const path = stackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bench:workers:\n    decode:\n      replicaz: 8\n");
    const result = await runCli(["render", "--config-file", path]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^error: Invalid config in .*Pulumi\.custom\.yaml:\n  - dynamo-bench:workers\.decode\.replicaz: unknown key/,
    );
    assert.doesNotMatch(result.stderr, STACK_TRACE);
  });

  test("risky choices are warned about on stderr, and the YAML still goes to stdout", async () => {
    const path = stackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bench:storage:\n    accessMode: ReadWriteOnce\n");
    const result = await runCli(["render", "--config-file", path]);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /^warning: .*Multi-Attach/m);
    assert.equal(yaml.loadAll(result.stdout).length, 10);
  });
});

describe("render --out", () => {
  test("writes one file per object with stable names, the same on every run", async () => {
    const dir = tempDir();
    assert.equal((await runCli(["render", "--stack", "disagg", "--out", dir])).status, 0);
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, [
      "configmap-disagg-router-6p-2d-benchmark-scripts.yaml",
      "dynamographdeployment-disagg-router-6p-2d.yaml",
      "job-disagg-router-6p-2d-benchmark-run-id.yaml",
      "job-disagg-router-6p-2d-model-download.yaml",
      "persistentvolumeclaim-compilation-cache.yaml",
      "persistentvolumeclaim-model-cache.yaml",
      "persistentvolumeclaim-perf-cache.yaml",
      "role-disagg-router-6p-2d-benchmark.yaml",
      "rolebinding-disagg-router-6p-2d-benchmark.yaml",
      "serviceaccount-disagg-router-6p-2d-benchmark.yaml",
    ]);
    const first = files.map((file) => readFileSync(join(dir, file), "utf8"));
    assert.equal((await runCli(["render", "--stack", "disagg", "--out", dir])).status, 0);
    assert.deepEqual(
      files.map((file) => readFileSync(join(dir, file), "utf8")),
      first,
    );
  });

  test("keys are in a stable order: apiVersion, kind, metadata, then alphabetical", async () => {
    const dir = tempDir();
    await runCli(["render", "--stack", "agg", "--out", dir]);
    const text = readFileSync(join(dir, "job-agg-8xtp2-model-download.yaml"), "utf8");
    const topKeys = text
      .split("\n")
      .filter((line) => /^[a-z]/i.test(line))
      .map((line) => line.split(":")[0]);
    assert.deepEqual(topKeys, ["apiVersion", "kind", "metadata", "spec"]);
    assert.match(text, /^# Generated by `npx dynamo-bench render` from Pulumi\.agg\.yaml\. Do not edit\.\n/);
  });

  test("removes files it wrote for objects that are gone, and leaves other files alone", async () => {
    const dir = tempDir();
    const withToken = stackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bench:hfToken:\n    secure: v1:eA==\n");
    await runCli(["render", "--config-file", withToken, "--out", dir]);
    assert.ok(readdirSync(dir).includes("secret-agg-8xtp2-hf-token.yaml"));
    writeFileSync(join(dir, "notes.yaml"), "mine: true\n");
    await runCli(["render", "--stack", "agg", "--out", dir]);
    const files = readdirSync(dir);
    assert.ok(!files.includes("secret-agg-8xtp2-hf-token.yaml"));
    assert.ok(files.includes("notes.yaml"));
  });
});
