import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { buildModelDownloadJob } from "../../stack/builders/modelDownloadJob";
import { SCRIPTS } from "../support/clusterScripts";

/** A fake command that records its arguments, one call a line, and exits with the given code. */
function fakeCommand(bin: string, name: string, log: string, exitCode = 0): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit ${exitCode}\n`);
  chmodSync(path, 0o755);
}

interface Sandbox {
  cache: string;
  log: string;
  bin: string;
}

function sandbox(hfExitCode = 0): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-download-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "calls.log");
  fakeCommand(bin, "pip", log);
  fakeCommand(bin, "hf", log, hfExitCode);
  return { cache: join(root, "cache"), log, bin };
}

/** Runs the Job's container command, with the Job's own environment, against a local cache. */
function runJobScript(box: Sandbox, revision?: string, engine: "vllm" | "mocker" = "vllm") {
  const config = parseStackConfig({ variant: "agg", workers: { engine }, ...(revision && { model: { revision } }) }, "test");
  const container = buildModelDownloadJob(config, SCRIPTS.modelDownloadSh).spec!.template.spec!.containers[0];
  const env: Record<string, string> = { PATH: `${box.bin}:${process.env.PATH}` };
  for (const variable of container.env ?? []) env[variable.name] = variable.value!;
  env.HF_HOME = box.cache;
  const [shell, flag] = container.command!;
  return spawnSync(shell, [flag, container.args![0]], { env, encoding: "utf8" });
}

function calls(box: Sandbox): string[] {
  return existsSync(box.log) ? readFileSync(box.log, "utf8").trim().split("\n") : [];
}

describe("the model download Job's script", () => {
  test("for a mocker stack, downloads only the config and tokenizer, and marks that part alone", () => {
    const box = sandbox();
    const result = runJobScript(box, undefined, "mocker");
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(calls(box).slice(1), [
      "hf download Qwen/Qwen3-32B --revision 9216db5781bf21249d130ec9da846c4624c16137 " +
        "config.json generation_config.json tokenizer.json tokenizer_config.json",
    ]);
    const marks = join(box.cache, ".dynamo-bench");
    assert.ok(existsSync(join(marks, "Qwen_Qwen3-32B@9216db5781bf21249d130ec9da846c4624c16137.tokenizer.complete")));
    assert.ok(!existsSync(join(marks, "Qwen_Qwen3-32B@9216db5781bf21249d130ec9da846c4624c16137.complete")));
    // The GPU stack's Job, on the same cache, still downloads the whole model; a second mocker stack does not.
    runJobScript(box);
    assert.equal(calls(box).filter((call) => call.startsWith("hf download")).length, 2);
    assert.equal(runJobScript(box, undefined, "mocker").status, 0);
    assert.equal(calls(box).filter((call) => call.startsWith("hf download")).length, 2);
  });

  test("installs the pinned tools, downloads the pinned revision, and marks the cache complete", () => {
    const box = sandbox();
    const result = runJobScript(box);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(calls(box), [
      "pip install --no-cache-dir huggingface_hub==1.11.0",
      "hf download Qwen/Qwen3-32B --revision 9216db5781bf21249d130ec9da846c4624c16137",
    ]);
    assert.ok(existsSync(join(box.cache, ".dynamo-bench", "Qwen_Qwen3-32B@9216db5781bf21249d130ec9da846c4624c16137.complete")));
  });

  test("a second stack's Job finds the model in the cache and downloads nothing", () => {
    const box = sandbox();
    runJobScript(box);
    const second = runJobScript(box);
    assert.equal(second.status, 0);
    assert.equal(calls(box).length, 2, "no further pip or hf call");
    assert.match(second.stdout, /already in the model cache .*nothing to download/);
  });

  test("a failed download fails the Job and leaves no marker, so the next run tries again", () => {
    const box = sandbox(1);
    const result = runJobScript(box);
    assert.notEqual(result.status, 0);
    assert.ok(!existsSync(join(box.cache, ".dynamo-bench", "Qwen_Qwen3-32B@9216db5781bf21249d130ec9da846c4624c16137.complete")));
    fakeCommand(box.bin, "hf", box.log, 0);
    assert.equal(runJobScript(box).status, 0);
    assert.equal(calls(box).filter((call) => call.startsWith("hf download")).length, 2);
  });

  test("another revision is downloaded even when one is cached", () => {
    const box = sandbox();
    runJobScript(box);
    runJobScript(box, "0123456789abcdef0123456789abcdef01234567");
    assert.equal(calls(box).at(-1), "hf download Qwen/Qwen3-32B --revision 0123456789abcdef0123456789abcdef01234567");
  });
});
