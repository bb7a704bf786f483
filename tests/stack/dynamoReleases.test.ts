import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dynamoReleases, releaseFor, type DynamoRelease } from "../../stack/schemas/dynamoReleases";
import { assertDynamoGraphAccepted, dgdSchema, dynamoGraphProblems } from "../../stack/schemas/dynamoGraphSchema";
import { graphCommandProblems, graphCommands } from "../../stack/schemas/dynamoCommands";
import { configWarnings } from "../../stack/config/schema";
import { frontendArgs } from "../../stack/builders/dynamoGraph";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { releaseMatrix, stackConfigWith } from "../support/releaseMatrix";
import { PYTHON } from "../support/python";

const release = (version: string): DynamoRelease => releaseFor(version)!;

describe("Dynamo releases as data, read from each release's source", () => {
  test("the recipe's 1.3, 1.4, and the newest tree that could be read, each from its commit", () => {
    assert.deepEqual(
      dynamoReleases().map(({ release, covers, source }) => [release, covers.from, covers.below, source.commit, source.treeVersion]),
      [
        ["1.3", "1.3.0", "1.4.0", "4cba833f0161e2860801e971305028b9febcc3e3", "1.3.0"],
        ["1.4", "1.4.0", "1.5.0", "d7bb84ef02051485351dbb9626eaffbd182ef0a8", "1.4.0"],
        ["1.5-dev", "1.5.0", null, "2a6da14c83617f5412caba5777dbf0e2399e9c5f", "1.5.0"],
      ],
    );
    for (const table of dynamoReleases()) {
      for (const version of table.dynamoGraphDeployment.served) {
        assert.match(
          dgdSchema(table, version).source,
          new RegExp(`^ai-dynamo/dynamo@${table.source.commit}:`),
          `${table.release} ${version}`,
        );
      }
    }
  });

  test("a version picks the table that stands for it; one older than every table has none", () => {
    assert.equal(release("1.3.1").release, "1.3");
    assert.equal(release("1.4.2").release, "1.4");
    assert.equal(release("1.6.0").release, "1.5-dev");
    assert.equal(release("1.7.0").release, "1.5-dev");
    assert.equal(releaseFor("1.2.9"), undefined);
  });

  test("what the tables say, as the source says it", () => {
    const [v13, v14, dev] = [release("1.3.1"), release("1.4.0"), release("1.5.0")];
    const frontend = (r: DynamoRelease) => r.components["dynamo.frontend"].flags;
    assert.ok(frontend(v13)["--router-reset-states"], "1.3's frontend still resets the router's saved state");
    assert.equal(frontend(v14)["--router-reset-states"], undefined, "removed with durable KV events (ai-dynamo/dynamo@bd126e06)");
    assert.deepEqual(frontend(v13)["--router-mode"].choices, [
      "round-robin",
      "random",
      "power-of-two",
      "kv",
      "direct",
      "least-loaded",
      "device-aware-weighted",
    ]);
    assert.deepEqual(v13.components["dynamo.vllm"].flags["--disaggregation-mode"].choices, ["pd", "agg", "prefill", "decode", "encode"]);
    assert.ok(v13.components["dynamo.vllm"].flags["--is-prefill-worker"], "deprecated in 1.3");
    assert.equal(v14.components["dynamo.vllm"].flags["--is-prefill-worker"], undefined, "removed in 1.4 (ai-dynamo/dynamo@a9a7db43)");
    assert.deepEqual(
      [v13, v14, dev].map((r) => [r.dynamoGraphDeployment.storage, r.environment.selfHostMetadataDefault.value, r.vllm.version]),
      [
        ["v1alpha1", false, "0.23.0"],
        ["v1alpha1", false, "0.26.0"],
        ["v1beta1", true, "0.27.1"],
      ],
    );
    for (const r of [v13, v14, dev]) assert.equal(r.environment.operatorWorkerEnv.DYN_SYSTEM_PORT.value, "9090");
  });
});

describe("every stack, in both API versions, on every release", () => {
  for (const { label, objects, release: table } of releaseMatrix()) {
    test(`${label}: passes that release's CRD and flag tables`, () => {
      assert.deepEqual(dynamoGraphProblems(objects.dynamoGraph, table), []);
      assert.deepEqual(graphCommandProblems(objects.dynamoGraph, table), []);
      assert.doesNotThrow(() => assertDynamoGraphAccepted(objects.dynamoGraph, table));
    });
  }

  test("flags a release removed are not emitted: the frontend resets the router's state on 1.3 only", () => {
    for (const { config, release: table } of releaseMatrix().filter((c) => c.apiVersion === "v1alpha1")) {
      assert.equal(frontendArgs(config).includes("--router-reset-states"), table.release === "1.3", `${config.graph.image}`);
    }
  });

  test("the API version, unless given, is the release's storage version", () => {
    const storage = (image: string) => stackConfigWith("agg", { image }).graph.apiVersion;
    assert.equal(storage("nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1"), "v1alpha1");
    assert.equal(storage("nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0"), "v1alpha1");
    assert.equal(storage("nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.0"), "v1beta1");
    assert.equal(
      stackConfigWith("agg", { image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.0", apiVersion: "v1alpha1" }).graph.apiVersion,
      "v1alpha1",
    );
  });

  test("a release newer than every readable tree is checked against the newest, and render and preview say so", () => {
    const warnings = configWarnings(stackConfigWith("disagg", { image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.6.0" })).join("\n");
    assert.match(
      warnings,
      new RegExp(
        "^dynamo-bench:graph\\.image says Dynamo 1\\.6\\.0, newer than any release whose source could be read: " +
          ".*Dynamo 1\\.5-dev \\(ai-dynamo/dynamo@2a6da14c\\)",
      ),
    );
    assert.deepEqual(configWarnings(stackConfigWith("disagg", {})), []);
    const overridden = configWarnings(stackConfigWith("disagg", { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.6.0" }));
    assert.match(
      overridden.join("\n"),
      /^dynamo-bench:graph\.runtimeVersionOverride says Dynamo 1\.6\.0, newer than/,
      "names the key it read",
    );
  });

  test("an override that picks 1.3, whose operator reads none, is not written, and render and preview say why", () => {
    const config = stackConfigWith("agg", { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.3.1" });
    assert.match(
      configWarnings(config).join("\n"),
      /^dynamo-bench:graph\.runtimeVersionOverride 1\.3\.1 picks Dynamo 1\.3's flags and CRD; .* so it is not written\. .*tagged image\.$/m,
    );
    assert.deepEqual(configWarnings(stackConfigWith("agg", { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.4.0" })), []);
  });

  test("a release older than every table is refused in one line, naming the field", () => {
    assert.throws(
      () => stackConfigWith("agg", { image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.2.1" }),
      (error: Error) =>
        /^ {2}- dynamo-bench:graph\.image: runs Dynamo 1\.2\.1, older than 1\.3\.0; .* use 1\.3\.0 or later$/m.test(error.message) &&
        error.message.split("\n").length === 2,
    );
  });

  test("a flag the release does not take is refused before anything is applied, naming the flag and the release", () => {
    const { objects, release: table } = releaseMatrix().find(
      (c) => c.stack === "disagg" && c.apiVersion === "v1alpha1" && c.release.release === "1.4",
    )!;
    const graph = structuredClone(objects.dynamoGraph) as any;
    graph.spec.services.Frontend.extraPodSpec.mainContainer.args.push("--router-reset-states");
    graph.spec.services.VllmPrefillWorker.extraPodSpec.mainContainer.args.push("--disaggregation-mode", "both", "--no-such-vllm-flag");
    assert.throws(
      () => assertDynamoGraphAccepted(graph, table),
      (error: Error) =>
        error.message.includes(
          "Frontend: --router-reset-states: not a flag of dynamo.frontend in Dynamo 1.4 (ai-dynamo/dynamo@d7bb84ef)",
        ) &&
        error.message.includes("VllmPrefillWorker: --disaggregation-mode both: must be one of pd, agg, prefill, decode, encode") &&
        error.message.includes(
          "VllmPrefillWorker: --no-such-vllm-flag: neither a flag of dynamo.vllm nor one that Dynamo's own deployments pass to vLLM 0.26.0",
        ),
    );
  });

  test("the commands are read from both API versions alike", () => {
    const cases = releaseMatrix().filter((c) => c.stack === "mock-disagg" && c.release.release === "1.3");
    const [alpha, beta] = cases.map((c) => graphCommands(c.objects.dynamoGraph));
    assert.deepEqual(
      alpha.map((c) => c.module),
      ["dynamo.frontend", "dynamo.mocker", "dynamo.mocker"],
    );
    assert.deepEqual(new Set(alpha.map((c) => JSON.stringify(c))), new Set(beta.map((c) => JSON.stringify(c))));
  });
});

describe("scripts/dynamo-release/argparse_flags.py reads every form Dynamo declares flags in", () => {
  const repo = mkdtempSync(join(tmpdir(), "dynamo-bench-flags-"));
  after(() => rmSync(repo, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(join(repo, path, ".."), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  write(
    "components/src/dynamo/common/configuration/utils.py",
    "def add_argument(parser, *, flag_name, env_var, default, help, obsolete_flag=None, arg_type=str, **kwargs):\n" +
      "    parser.add_argument(flag_name, **kwargs)\n" +
      "def add_negatable_bool_argument(parser, *, flag_name, env_var, default, help, dest=None, obsolete_flag=None):\n" +
      "    parser.add_argument(flag_name)\n",
  );
  write("components/src/dynamo/common/constants.py", "import enum\nclass Mode(enum.Enum):\n    AGG = 'agg'\n    PREFILL = 'prefill'\n");
  write(
    "components/src/dynamo/common/configuration/groups/router_args.py",
    "from dynamo.common.configuration.utils import add_argument, add_negatable_bool_argument\n" +
      "MODES = ('round-robin', 'kv')\n" +
      "class RouterArgGroup:\n" +
      "    def add_arguments(self, g):\n" +
      "        add_argument(g, flag_name='--router-mode', env_var='X', default='kv', help='h', choices=list(MODES))\n" +
      "        add_negatable_bool_argument(g, flag_name='--router-reset-states', env_var='Y', default=False, help='h',\n" +
      "                                    obsolete_flag='--reset')\n" +
      "        if self.include_frontend_only:\n" +
      "            add_argument(g, flag_name='--weight', env_var='Z', default=1.0, help='h', arg_type=float)\n",
  );
  write(
    "components/src/dynamo/frontend/frontend_args.py",
    "import argparse\n" +
      "from dynamo.common.configuration.groups.router_args import RouterArgGroup\n" +
      "from dynamo.common.configuration.utils import add_argument\n" +
      "from dynamo.common.constants import Mode\n" +
      "def parse(parser):\n" +
      "    parser.add_argument('-i', '--interactive', action='store_true')\n" +
      "    parser.add_argument('--port', type=int, default=8000)\n" +
      "    parser.add_argument('--mode', choices=['pd'] + [m.value for m in Mode])\n" +
      "    parser.add_argument('--urls', nargs='+')\n" +
      "    parser.add_argument('--flag', action=argparse.BooleanOptionalAction)\n" +
      "    pairs = (('--legacy-a', 'A'), ('--legacy-b', 'B'))\n" +
      "    for name, env in pairs:\n" +
      "        add_argument(parser, flag_name=name, env_var=env, default=None, help='h', arg_type=int)\n",
  );
  execFileSync("git", ["init", "-q", repo]);
  execFileSync("git", ["-C", repo, "add", "."]);
  execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fixture"]);

  test("helpers, argparse calls, negations, aliases, choices through constants and enums, loops and conditions", () => {
    const out = execFileSync(
      PYTHON,
      [
        join(PROJECT_ROOT, "scripts", "dynamo-release", "argparse_flags.py"),
        repo,
        "HEAD",
        "components/src/dynamo/frontend/frontend_args.py",
      ],
      { encoding: "utf8" },
    );
    const { modules, flags } = JSON.parse(out) as { modules: string[]; flags: Record<string, Record<string, unknown>> };
    assert.ok(modules.includes("components/src/dynamo/common/configuration/groups/router_args.py"));
    const brief = Object.fromEntries(
      Object.entries(flags).map(([flag, spec]) => [flag, [spec.takes, spec.type ?? null, spec.choices ?? null, spec.condition ?? null]]),
    );
    assert.deepEqual(brief, {
      "--flag": ["switch", null, null, null],
      "--interactive": ["switch", null, null, null],
      "--legacy-a": ["value", "int", null, null],
      "--legacy-b": ["value", "int", null, null],
      "--mode": ["value", "str", ["pd", "agg", "prefill"], null],
      "--no-flag": ["switch", null, null, null],
      "--no-reset": ["switch", null, null, null],
      "--no-router-reset-states": ["switch", null, null, null],
      "--port": ["value", "int", null, null],
      "--reset": ["switch", null, null, null],
      "--router-mode": ["value", "str", ["round-robin", "kv"], null],
      "--router-reset-states": ["switch", null, null, null],
      "--urls": ["values", "str", null, null],
      "--weight": ["value", "float", null, "self.include_frontend_only"],
      "-i": ["switch", null, null, null],
    });
  });
});
