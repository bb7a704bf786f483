import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { TRACE_SLICE } from "../../domain/pins";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { ConfigError } from "../../stack/config/stackConfig";
import { shellCommand } from "../../stack/config/shellCommands";
import { staleCommittedManifests } from "../../cli/renderCommand";
import { runCli, STACK_TRACE, type CliResult } from "../support/cli";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-messages-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const fresh = () => {
  const dir = join(scratch, String(++count));
  mkdirSync(dir);
  return dir;
};
const trace = join(PROJECT_ROOT, TRACE_SLICE.file);
const committedAgg = readFileSync(join(PROJECT_ROOT, "Pulumi.agg.yaml"), "utf8");

function oneLine(result: CliResult): string {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  return lines[0];
}

function problemsOf(path: string): string[] {
  try {
    stackConfigFromFile(path);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("accepted");
}

function stackFile(text: string, name = "Pulumi.agg.yaml"): string {
  const path = join(fresh(), name);
  writeFileSync(path, text);
  return path;
}

describe("messages that name the right thing, once", () => {
  test("an unknown section is named unknown, not told it must be text", () => {
    const [problem] = problemsOf(stackFile(`${committedAgg}  dynamo-bench:grpah:\n    name: x\n`));
    assert.match(problem, /^dynamo-bench:grpah: unknown key; the keys allowed here are: variant, namespace, .*graph/);
    // A known key that is text still says so.
    assert.match(problemsOf(stackFile(`${committedAgg}  dynamo-bench:kubeContext: {a: b}\n`))[0], /kubeContext: must be text/);
  });

  test('variant "agg " in a file that names no stack blames the variant, not a stack name made of it', () => {
    const problems = problemsOf(stackFile(committedAgg.replace("dynamo-bench:variant: agg", 'dynamo-bench:variant: "agg "'), "my.yaml"));
    assert.deepEqual(problems, ['dynamo-bench:variant: must be "agg" or "disagg" (got "agg ")']);
  });

  test("a misspelt config: is named, with the key meant; beside config: it is a warning", async () => {
    const [problem] = problemsOf(stackFile(committedAgg.replace(/^config:/m, "configs:")));
    assert.equal(
      problem,
      '"configs" is not a key of a stack file, so Pulumi ignores it and all under it; did you mean config:?; this file sets no config',
    );
    const result = await runCli(["render", "--config-file", stackFile(`${committedAgg}notes: hi\n`)]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^warning: Pulumi\.agg\.yaml: "notes" is not a key of a stack file, .*; a stack file takes config, /m);
  });

  test("a flag's number too large for a double names the flag and its bound", async () => {
    const cases: [string[], string][] = [
      [["--capacity-tokens", "1e400"], "error: --capacity-tokens: must be at most 1,000,000,000,000"],
      [["--workers", "1e400"], "error: --workers: must be at most 4,096"],
      [
        ["--kv-transfer-gbps", "1e400"],
        "error: --kv-transfer-gbps: must be from 0.001 to 1,000,000 (GB/s); 0.001 GB/s is 1 MB/s, slower than any network a GPU stack has",
      ],
      [["--policy", "kv", "--overlap-weight", "1e400"], "error: --overlap-weight: must be at most 1,000,000"],
    ];
    for (const [flags, expected] of cases) {
      assert.equal(oneLine(await runCli(["simulate", "-s", "agg", "--trace", trace, ...flags])), expected);
    }
    assert.equal(
      oneLine(await runCli(["preflight", "-s", "agg", "--request-timeout", "9".repeat(400)])),
      "error: --request-timeout: at most 600 seconds",
    );
    assert.equal(
      oneLine(await runCli(["results", "list", "-s", "agg", "--request-timeout", "0x10"])),
      "error: --request-timeout: give a number of seconds",
    );
    assert.equal(
      oneLine(await runCli(["results", "list", "-s", "agg", "--request-timeout", "1e400"])),
      "error: --request-timeout: at most 600 seconds",
    );
  });

  test("--profile names the path once, and the file inside a directory that is at fault", async () => {
    assert.equal(
      oneLine(await runCli(["simulate", "-s", "agg", "--trace", trace, "--profile", "/nonexistent.npz"])),
      "error: --profile: /nonexistent.npz: no such file or directory",
    );
    const dir = fresh();
    writeFileSync(join(dir, "prefill_raw_data.json"), "{");
    writeFileSync(join(dir, "decode_raw_data.json"), "{}");
    assert.match(
      oneLine(await runCli(["simulate", "-s", "agg", "--trace", trace, "--profile", dir])),
      new RegExp(`^error: --profile: ${dir}/prefill_raw_data\\.json: not JSON`),
    );
  });

  test("benchmark.goodput's problem gives its example once", () => {
    for (const goodput of ['" "', "x", '"x:1"']) {
      const [problem] = problemsOf(stackFile(`${committedAgg}  dynamo-bench:benchmark:\n    goodput: ${goodput}\n`));
      assert.match(problem, /^dynamo-bench:benchmark\.goodput: must be aiperf --goodput SLOs: /);
      assert.ok((problem.match(/such as/g) ?? []).length <= 1, problem);
      assert.ok((problem.match(/metric:threshold/g) ?? []).length <= 1, problem);
    }
  });
});

/** Runs a printed refresh command in bash, with this checkout's CLI in place of npx's. */
function runRefresh(command: string, cwd: string): void {
  const local = command.replaceAll("npx dynamo-bench", shellCommand(process.execPath, join(PROJECT_ROOT, "cli", "launch.js")));
  const result = spawnSync("bash", ["-c", local], { cwd, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
}

describe("render --check's refresh command makes the directory what render writes", () => {
  test("it removes the strays render leaves, and then renders", async () => {
    const cwd = fresh();
    const dir = join(cwd, "out");
    assert.equal((await runCli(["render", "-s", "agg", "--out", dir], cwd)).status, 0);
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "x.yml"), "");
    writeFileSync(join(dir, "notes.yaml"), "hand-written\n");
    symlinkSync("/nonexistent", join(dir, "job-agg-8xtp2-model-download.yaml.orig"));
    const stale = oneLine(await runCli(["render", "--check", "-s", "agg", "--out", dir], cwd));
    const command = stale.replace(/^.*Refresh them with: /, "");
    assert.match(
      command,
      /^rm -r -- out\/job-agg-8xtp2-model-download\.yaml\.orig out\/notes\.yaml out\/sub out\/x\.yml && npx dynamo-bench render/,
    );
    runRefresh(command, cwd);
    const checked = await runCli(["render", "--check", "-s", "agg", "--out", dir], cwd);
    assert.equal(checked.status, 0, checked.stderr);
  });

  test("with no stack, strays in manifests/ and in a stack's folder are removed too", () => {
    const root = fresh();
    cpSync(join(PROJECT_ROOT, "manifests"), join(root, "manifests"), { recursive: true });
    mkdirSync(join(root, "manifests", "staging"));
    writeFileSync(join(root, "manifests", "agg", "x.yml"), "");
    for (const file of ["Pulumi.yaml", "Pulumi.agg.yaml", "Pulumi.disagg.yaml", "Pulumi.mock-agg.yaml", "Pulumi.mock-disagg.yaml"]) {
      cpSync(join(PROJECT_ROOT, file), join(root, file));
    }
    const { strays } = staleCommittedManifests(root);
    assert.deepEqual(strays, [join(root, "manifests", "staging"), join(root, "manifests", "agg", "x.yml")]);
  });

  test("a path holding a newline is quoted so that the shell gets the same path back", async () => {
    const cwd = fresh();
    const dir = join(cwd, "a\nb");
    assert.equal((await runCli(["render", "-s", "agg", "--out", dir], cwd)).status, 0);
    writeFileSync(join(dir, "x.yml"), "");
    const stale = oneLine(await runCli(["render", "--check", "-s", "agg", "--out", dir], cwd));
    const command = stale.replace(/^.*Refresh them with: /, "");
    assert.equal(command, "rm -r -- $'a\\x0ab/x.yml' && npx dynamo-bench render -s agg --out $'a\\x0ab'");
    runRefresh(command, cwd);
    assert.equal((await runCli(["render", "--check", "-s", "agg", "--out", dir], cwd)).status, 0);
  });

  test("any word a printed command holds reaches the shell as it was", () => {
    for (const word of ["a\nb", "it's", "back\\slash", "tab\there", "\u0085next", "$(touch x)", "plain", "ünï", "a\r\nb"]) {
      const result = spawnSync("bash", ["-c", `printf %s ${shellCommand(word)}`], {
        encoding: "utf8",
        env: { ...process.env, LC_ALL: "C.UTF-8" },
      });
      assert.equal(result.stdout, word, JSON.stringify(word));
    }
  });
});
