import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runCli, runInstalledCli, STACK_TRACE } from "../support/cli";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { README } from "../support/docs";

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };

/** Runs a command line through bash in the project's root, as a user types it after `npm ci`. */
function shell(commandLine: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("bash", ["-c", commandLine], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    // npx keeps its link to this package in its cache: a scratch one, and never the registry.
    env: {
      ...process.env,
      npm_config_cache: mkdtempSync(join(tmpdir(), "npm-cache-")),
      npm_config_offline: "true",
      npm_config_update_notifier: "false",
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A command the README documents, exactly as it is written there. */
function documented(commandLine: string): string {
  assert.ok(
    README.split("\n").some((line) => line.trim().startsWith(commandLine)),
    `the README documents \`${commandLine}\``,
  );
  return commandLine;
}

describe("the installed command, npx dynamo-bench", () => {
  test("--version prints the package's version, and nothing else", () => {
    const result = shell("npx dynamo-bench --version");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  });

  test("render's stdout is only YAML: every document is a Kubernetes object, ready for kubectl apply -f -", () => {
    const result = shell(documented("npx dynamo-bench render -s agg"));
    assert.equal(result.status, 0, result.stderr);
    const documents = yaml.loadAll(result.stdout) as { apiVersion?: string; kind?: string }[];
    assert.equal(documents.length, 10);
    for (const document of documents) assert.ok(document.apiVersion && document.kind, JSON.stringify(document).slice(0, 200));
  });

  // npx itself is covered above; this runs the same bin (cli/launch.js) without npm's start-up.
  test("--json output is only JSON, ready for jq", () => {
    const trace = traceFile([...conversationTrace(50)]);
    documented("npx dynamo-bench trace stats");
    const result = runInstalledCli(["trace", "stats", trace, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).requests, 50);
  });
});

describe("flags", () => {
  test("-s is --stack", async () => {
    const short = await runCli(["render", "-s", "disagg"]);
    assert.equal(short.status, 0, short.stderr);
    assert.equal(short.stdout, (await runCli(["render", "--stack", "disagg"])).stdout);
  });

  test("-V and --version print the version", async () => {
    for (const flag of ["-V", "--version"]) assert.equal((await runInstalledCli([flag])).stdout, `${version}\n`);
  });

  const commands = [
    ["render"],
    ["summarize"],
    ["compare"],
    ["trace"],
    ["trace", "stats"],
    ["trace", "fetch"],
    ["simulate"],
    ["simulate", "sweep"],
    ["simulate", "sweep", "capacity"],
    ["simulate", "sweep", "split"],
    ["calibrate"],
    ["report"],
    ["diff-manifests"],
  ];
  for (const command of commands) {
    test(`${command.join(" ")} --help ends with an example`, async () => {
      const result = await runCli([...command, "--help"]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`\\nExamples?:\\n(  \\$ npx dynamo-bench ${command.join(" ")}( .+)?\\n)+$`));
    });
  }

  const conflicts: [string[], RegExp][] = [
    [["compare", "a", "b", "--markdown", "--json"], /option '--markdown' cannot be used with option '--json'/],
    [["diff-manifests", "a", "b", "--markdown", "--json"], /option '--markdown' cannot be used with option '--json'/],
    [
      ["render", "--stack", "agg", "--config-file", "Pulumi.disagg.yaml"],
      /option '-s, --stack <name>' cannot be used with option '--config-file <path>'/,
    ],
    [
      ["simulate", "--trace", "t.jsonl", "-s", "agg", "--config-file", "Pulumi.agg.yaml"],
      /option '-s, --stack <name>' cannot be used with option '--config-file <path>'/,
    ],
    [
      ["trace", "fetch", "-s", "agg", "--config-file", "Pulumi.agg.yaml"],
      /option '-s, --stack <name>' cannot be used with option '--config-file <path>'/,
    ],
  ];
  for (const [args, message] of conflicts) {
    test(`conflicting flags are refused, not resolved: ${args.join(" ")}`, async () => {
      const result = await runCli(args);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, "");
      const lines = result.stderr.trimEnd().split("\n");
      assert.match(lines[0], /^error: /);
      assert.match(lines[0], message);
      assert.deepEqual(lines.slice(1), ["(add --help for usage)"]);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
    });
  }
});

describe("flags that would be ignored, or repeated, are refused", () => {
  const trace = () => traceFile([...conversationTrace(20)]);

  const repeated: [string[], RegExp][] = [
    [["render", "-s", "agg", "-s", "disagg"], /-s, --stack is given 2 times; give it once/],
    [["render", "--stack=agg", "-sdisagg"], /-s, --stack is given 2 times; give it once/],
    [["compare", "a", "b", "--out", "x.html", "--out", "y.html"], /--out is given 2 times; give it once/],
    [["simulate", "--trace", "t", "--policy", "all", "--policy", "kv"], /--policy is given 2 times; give it once/],
  ];
  for (const [args, message] of repeated) {
    test(`repeated: ${args.join(" ")}`, async () => {
      const result = await runCli(args);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`^error: ${message.source}\\n\\(add --help for usage\\)\\n$`));
      assert.equal(result.stdout, "");
    });
  }

  test("a value after -- is not a flag", async () => {
    const result = await runCli(["trace", "stats", "--json", "--", "--json"]);
    assert.match(result.stderr, /^error: --json: no such file or directory; fetch the trace with [^\n]*\n$/);
  });

  const unused: [() => string[], RegExp][] = [
    [
      () => ["simulate", "--trace", trace(), "-s", "agg", "--seed", "5"],
      /--seed: only the random and kv policies use it, and this run routes with round-robin/,
    ],
    [
      () => ["simulate", "--trace", trace(), "-s", "agg", "--router-temperature", "0.5"],
      /--router-temperature: only the kv policy uses it, and this run routes with round-robin/,
    ],
    [
      () => ["simulate", "--trace", trace(), "-s", "agg", "--kv-transfer-gbps", "100"],
      /--kv-transfer-gbps: only a disaggregated stack moves KV between workers; leave it out for agg/,
    ],
    [
      () => ["simulate", "--trace", trace(), "-s", "disagg", "--kv-transfer-gbps", "0"],
      /--kv-transfer-gbps: must be from 0\.001 to 1,000,000 \(GB\/s\)/,
    ],
    [() => ["simulate", "--trace", trace(), "-s", "disagg", "--router-temperature", "-1"], /--router-temperature: must be a number ≥ 0/],
    [() => ["simulate", "--trace", trace(), "-s", "disagg", "--goodput", "ttft:5"], /--goodput: /],
    [() => ["simulate", "--trace", trace(), "-s", "disagg", "--seed", "4294967296"], /--seed: must be at most 4,294,967,295/],
    [
      () => ["simulate", "--trace", trace(), "-s", "agg", "--overlap-weight", "2"],
      /--overlap-weight: only the kv policy uses it, and this run routes with round-robin/,
    ],
    [() => ["simulate", "--trace", trace(), "-s", "agg", "--workers", "0x10"], /--workers: must be a whole number ≥ 1/],
    [
      () => ["simulate", "--trace", trace(), "-s", "agg", "--policy", "kv", "--overlap-weight", "Infinity"],
      /--overlap-weight: must be a number ≥ 0/,
    ],
  ];
  for (const [args, message] of unused) {
    test(`refused: ${args().slice(3).join(" ")}`, async () => {
      const result = await runCli(args());
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stderr, new RegExp(`^error: ${message.source}`));
    });
  }

  test("a metric with a digit in its name is an SLO; --kv-transfer-gbps plans agg's disaggregated splits", async () => {
    const goodput = await runCli(["simulate", "--trace", trace(), "-s", "agg", "--goodput", "e2e_output_token_throughput:1000"]);
    assert.equal(goodput.status, 0, goodput.stderr);
    assert.match(goodput.stdout, /^goodput: not predicted: the simulation does not predict e2e_output_token_throughput$/m);
    const split = await runCli(["simulate", "sweep", "split", "--trace", trace(), "-s", "agg", "--kv-transfer-gbps", "10"]);
    assert.equal(split.status, 0, split.stderr);
    assert.match(split.stdout, /^KV transfer: 10 GB\/s per transfer/m);
  });

  test("--seed with the random policy, and --overlap-weight with kv, are used", async () => {
    assert.equal((await runCli(["simulate", "--trace", trace(), "-s", "agg", "--policy", "random", "--seed", "5"])).status, 0);
    assert.equal(
      (await runCli(["simulate", "--trace", trace(), "-s", "agg", "--policy", "all", "--overlap-weight", "0.5", "--seed", "2"])).status,
      0,
    );
  });

  test("compare --goodput with two results directories, whose summary.json fixes the SLOs, is refused", async () => {
    const root = mkdtempSync(join(tmpdir(), "results-"));
    for (const run of ["agg-sample", "disagg-sample"]) {
      cpSync(join(PROJECT_ROOT, "examples", run), join(root, run), { recursive: true });
      assert.equal((await runCli(["summarize", join(root, run), "--write"])).status, 0);
      for (const file of ["profile_export.jsonl", "profile_export_aiperf.json"]) rmSync(join(root, run, file));
    }
    const [agg, disagg] = [join(root, "agg-sample"), join(root, "disagg-sample")];
    assert.equal((await runCli(["compare", agg, disagg])).status, 0);
    const result = await runCli(["compare", agg, disagg, "--goodput", "time_to_first_token:5"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: --goodput: both runs are results directories, whose summary\.json already counts goodput/);
  });
});
