import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { renderStack } from "../../cli/render";
import { availableStacks, stackFileOf } from "../../cli/stackFiles";
import { staleCommittedManifests } from "../../cli/renderCommand";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { ConfigError } from "../../stack/config/stackConfig";
import { projectStackFile, readPulumiProject } from "../../stack/config/pulumiProject";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { MOCK_RUN_ID, runProgram } from "../support/pulumiProgram";
import { only, plain, TYPES } from "../support/resourceGraph";
import { SCRIPTS } from "../support/clusterScripts";

/**
 * Pulumi.yaml's `config:` and `stackConfigDir`, which `pulumi up` applies to every stack
 * (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8: pkg/workspace/config.go `mergeConfig`,
 * sdk/go/common/workspace/project.go, loaders.go and paths.go): render and the CLI read them alike,
 * and so does the mock harness that stands in for the engine.
 */

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const committedProject = readFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
const committedAgg = readFileSync(join(PROJECT_ROOT, "Pulumi.agg.yaml"), "utf8");

/** A project folder: this Pulumi.yaml with `extra` appended, and stack files in `stackDir` below it. */
function projectWith(extra: string, stackFiles: Record<string, string> = { agg: committedAgg }, stackDir = ""): string {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-project-"));
  roots.push(root);
  writeFileSync(join(root, "Pulumi.yaml"), `${committedProject}${extra}`);
  mkdirSync(join(root, stackDir), { recursive: true });
  for (const [stack, text] of Object.entries(stackFiles)) writeFileSync(join(root, stackDir, `Pulumi.${stack}.yaml`), text);
  return root;
}

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("accepted");
}

const configOf = (root: string, stack = "agg") => {
  const project = readPulumiProject(root);
  return stackConfigFromFile(projectStackFile(project, stack), project);
};

describe("Pulumi.yaml's config: and stackConfigDir, as pulumi up applies them", () => {
  // The agg stack without a namespace, so that the project's default is the one that applies.
  const aggWithoutNamespace = committedAgg.replace(/^ {2}dynamo-bench:namespace: .*\n/m, "");
  const extra =
    "stackConfigDir: stacks\n" +
    "config:\n" +
    "  namespace: team-a\n" +
    "  benchmark.memory: 20Gi\n" +
    "  dynamo-bench:frontend.cpu: '4'\n" +
    "  dynamo-bench:workers.decode.replicas: 4\n";

  test("render reads the stack file from stackConfigDir, and takes each key the stack file leaves unset from Pulumi.yaml", () => {
    const root = projectWith(extra, { agg: aggWithoutNamespace }, "stacks");
    assert.equal(stackFileOf("agg", root), join(root, "stacks", "Pulumi.agg.yaml"));
    assert.deepEqual(availableStacks(root), ["agg"]);
    const config = configOf(root);
    assert.equal(config.namespace, "team-a");
    assert.equal(config.benchmark.memory, "20Gi");
    assert.equal(config.frontend.cpu, "4");
    // The stack file's own value wins: replicas 8 stays 8.
    assert.equal(config.workers.decode.replicas, 8);
    assert.equal(config.frontend.routerMode, "round-robin");
  });

  test("the mock harness hands the program the same config, so that render shows what pulumi up applies", async () => {
    const root = projectWith(extra, { agg: aggWithoutNamespace }, "stacks");
    const project = readPulumiProject(root);
    const stackFile = projectStackFile(project, "agg");
    const run = await runProgram("agg", { projectRoot: root });
    assert.equal(run.error, undefined);
    const objects = buildStackObjects(stackConfigFromFile(stackFile, project), { stack: "agg", runId: MOCK_RUN_ID }, SCRIPTS);
    assert.deepEqual(only(run, TYPES.graph).inputs, plain(objects.dynamoGraph));
    assert.equal(only(run, TYPES.graph).inputs.metadata.namespace, "team-a");
    const rendered = renderStack(stackFile, project).manifests.map((manifest) => manifest.object.metadata?.namespace);
    assert.ok(rendered.every((namespace) => namespace === "team-a"));
  });

  test("a stack file that sets the key keeps its own value, as Pulumi keeps it: the issue's example renders dynamo-bench", async () => {
    const root = projectWith("config:\n  namespace: team-a\n");
    assert.equal(configOf(root).namespace, "dynamo-bench");
    const run = await runProgram("agg", { projectRoot: root });
    assert.equal(only(run, TYPES.graph).inputs.metadata.namespace, "dynamo-bench");
  });

  test("the old text form, config: <folder>, names the stack folder too", () => {
    const root = projectWith("config: stacks\n", { agg: committedAgg }, "stacks");
    assert.equal(stackFileOf("agg", root), join(root, "stacks", "Pulumi.agg.yaml"));
    assert.equal(configOf(root).graph.name, "agg-8xtp2");
  });

  test("render --check with no stack checks the stacks of stackConfigDir", () => {
    const root = projectWith("stackConfigDir: stacks\n", { agg: committedAgg }, "stacks");
    mkdirSync(join(root, "manifests"));
    const { staleStacks } = staleCommittedManifests(root);
    assert.deepEqual(staleStacks, [join(root, "manifests", "agg")]);
  });

  test("a declaration's default, a value for another namespace, and a declared type the stack's value meets, are read", () => {
    const root = projectWith(
      "config:\n" +
        "  kubeContext:\n    type: string\n    default: prod-h200\n" +
        "  dynamo-bench:workers.tensorParallelSize:\n    type: integer\n" +
        "  pulumi:tags:\n    value: {team: a}\n",
    );
    const config = configOf(root);
    assert.equal(config.kubeContext, "prod-h200");
    assert.equal(config.workers.tensorParallelSize, 2);
  });

  test("a value Pulumi.yaml gave that the stack refuses is named as coming from Pulumi.yaml", () => {
    const root = projectWith("config:\n  dynamo-bench:hfTokenSecretName: Not_A_Name\n");
    const [problem] = problemsOf(() => configOf(root));
    assert.match(problem, /^dynamo-bench:hfTokenSecretName: .*\(this value comes from Pulumi\.yaml's config:\)$/);
  });
});

describe("what pulumi up refuses in Pulumi.yaml is refused in one line naming the key", () => {
  const cases: [string, string, RegExp][] = [
    [
      "a key of this project with no default, that the stack leaves unset",
      "config:\n  region:\n    type: string\n",
      /^region: Pulumi\.yaml declares it with no default or value, .*Stack 'agg' is missing configuration value 'region'/,
    ],
    [
      "a stack value not of the declared type",
      "config:\n  namespace:\n    type: integer\n",
      /^namespace: Pulumi\.yaml declares it of type integer, which the stack's value is not/,
    ],
    [
      "a key declared secret that the stack holds in plain text",
      "config:\n  namespace:\n    secret: true\n",
      /^namespace: Pulumi\.yaml declares it secret, but its value is plain text/,
    ],
    [
      "a default not of its own type",
      "config:\n  region:\n    type: integer\n    default: eu\n",
      /^config: region: its default is not of its type, integer$/,
    ],
    [
      "a default for another namespace's key",
      "config:\n  kubernetes:context:\n    default: x\n",
      /^config: kubernetes:context: is not dynamo-bench's key, so it takes no default; give it a value: instead$/,
    ],
    [
      "a map where a declaration goes",
      "config:\n  dynamo-bench:graph:\n    name: x\n",
      /^config: dynamo-bench:graph: name is not allowed in a declaration/,
    ],
    [
      "both a default and a value",
      "config:\n  region:\n    default: a\n    value: b\n",
      /^config: region: cannot have both a default and a value$/,
    ],
    ["a YAML timestamp, which Pulumi hands over rewritten", "config:\n  region: 2024-01-01\n", /^config: region: holds a YAML timestamp/],
    [
      "one key in two spellings",
      "config:\n  region: a\n  dynamo-bench:region: b\n",
      /one key, dynamo-bench:region, declared 2 times; keep one/,
    ],
    [
      "both config: and stackConfigDir: naming the folder",
      "stackConfigDir: a\nconfig: b\n",
      /^config: and stackConfigDir: both give the stack files' folder/,
    ],
  ];
  for (const [name, extra, expected] of cases) {
    test(name, () => {
      const problems = problemsOf(() => configOf(projectWith(extra)));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], expected);
    });
  }

  test("a project renamed: its bare keys would be another namespace's, which the program refuses", () => {
    const root = projectWith("");
    writeFileSync(join(root, "Pulumi.yaml"), committedProject.replace(/^name: dynamo-bench$/m, "name: my-bench"));
    assert.match(
      problemsOf(() => readPulumiProject(root))[0],
      /^name: must be dynamo-bench, the namespace the program reads its config in/,
    );
  });
});
