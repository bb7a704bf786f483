import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import type { SecretKey } from "../../stack/config/schema";
import { stackSummary } from "../../stack/outputs";
import { artifactRetrievalCommand, resultsPullCommand } from "../../stack/builders/benchmarkRun";
import { kubectlCommand } from "../../stack/config/shellCommands";

const sandbox = mkdtempSync(join(tmpdir(), "dynamo-bench-paste-"));
after(() => rmSync(sandbox, { recursive: true, force: true }));

/** Stand-ins for the programs a printed command runs: each records its arguments, one invocation per line. */
const bin = join(sandbox, "bin");
mkdirSync(bin);
const argvLog = join(sandbox, "argv.log");
for (const program of ["kubectl", "mkdir", "tar", "pulumi", "npx"]) {
  const path = join(bin, program);
  writeFileSync(
    path,
    `#!/bin/sh
line="${program}"
for arg in "$@"; do line="$line $(printf '%s' "$arg" | base64 -w0)"; done
echo "$line" >> "${argvLog}"
${program === "pulumi" ? 'if [ "$1 $2" = "config get" ]; then echo "context-from-pulumi"; fi' : ""}
`,
  );
  chmodSync(path, 0o755);
}

/** Runs a printed command as a user pasting it would, and returns each program's arguments. */
function paste(command: string): { program: string; args: string[] }[] {
  rmSync(argvLog, { force: true });
  const cwd = mkdtempSync(join(sandbox, "cwd-"));
  const result = spawnSync("bash", ["-c", command], { cwd, env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(!existsSync(join(cwd, "PWNED")), "a value ran as a command");
  return readFileSync(argvLog, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [program, ...encoded] = line.split(" ");
      return { program, args: encoded.map((arg) => Buffer.from(arg, "base64").toString()) };
    });
}

const HOSTILE_CONTEXTS = ["prod; touch PWNED | sh", "$(touch PWNED)", "`touch PWNED`", 'it\'s "quoted"', "two\nlines", "-n kube-system"];

function configWith(kubeContext: string, secretKeys: SecretKey[] = []) {
  return parseStackConfig({ variant: "agg", kubeContext }, "test", secretKeys);
}

describe("printed commands are safe to paste: every value stays one argument", () => {
  for (const context of HOSTILE_CONTEXTS) {
    test(`kubeContext ${JSON.stringify(context)}`, () => {
      const config = configWith(context);
      const portForward = paste(stackSummary(config, "agg").portForwardCommand);
      assert.deepEqual(portForward, [
        { program: "kubectl", args: [`--context=${context}`, "-n", "dynamo-bench", "port-forward", "svc/agg-8xtp2-frontend", "8000:8000"] },
      ]);

      const retrieval = paste(artifactRetrievalCommand(config, { stack: "agg", runId: "0a1b2c3d" }));
      assert.deepEqual(retrieval.map((call) => call.program).sort(), ["kubectl", "mkdir", "tar"]);
      const kubectl = retrieval.find((call) => call.program === "kubectl")!;
      assert.deepEqual(kubectl.args.slice(0, 4), [`--context=${context}`, "-n", "dynamo-bench", "run"]);
      const overrides = JSON.parse(kubectl.args.find((arg) => arg.startsWith("--overrides="))!.slice("--overrides=".length));
      assert.deepEqual(overrides.spec.containers[0].command, ["tar", "cf", "-", "-C", "/perf-cache/artifacts/agg/0a1b2c3d", "."]);
      assert.deepEqual(retrieval.find((call) => call.program === "tar")!.args, ["xf", "-", "-C", "results/agg/0a1b2c3d/artifacts"]);

      // The context is the stack file's, which `results pull` reads itself: it is not repeated.
      assert.deepEqual(paste(resultsPullCommand(config, { stack: "agg", runId: "0a1b2c3d" })), [
        { program: "npx", args: ["dynamo-bench", "results", "pull", "-s", "agg", "--run", "0a1b2c3d"] },
      ]);
    });
  }

  test("a secret context is read from the stack when the command runs, and never printed", () => {
    const config = configWith("prod-secret-context", ["kubeContext"]);
    const command = kubectlCommand(config, "agg", "logs", "job/x", "-c", "summary");
    assert.doesNotMatch(command, /prod-secret-context/);
    const calls = paste(command);
    assert.deepEqual(calls[0], { program: "pulumi", args: ["config", "get", "-s", "agg", "kubeContext"] });
    assert.deepEqual(calls[1], {
      program: "kubectl",
      args: ["--context=context-from-pulumi", "-n", "dynamo-bench", "logs", "job/x", "-c", "summary"],
    });
    assert.doesNotMatch(JSON.stringify(stackSummary(config, "agg")), /prod-secret-context/);
    assert.doesNotMatch(artifactRetrievalCommand(config, { stack: "agg", runId: "0a1b2c3d" }), /prod-secret-context/);
    const pull = resultsPullCommand(config, { stack: "agg", runId: "0a1b2c3d" });
    assert.doesNotMatch(pull, /prod-secret-context/);
    assert.deepEqual(paste(pull), [
      { program: "pulumi", args: ["config", "get", "-s", "agg", "kubeContext"] },
      { program: "npx", args: ["dynamo-bench", "results", "pull", "-s", "agg", "--run", "0a1b2c3d", "--context", "context-from-pulumi"] },
    ]);
  });
});
