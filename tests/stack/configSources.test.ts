import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { renderStack } from "../../cli/render";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { buildStackObjects, objectsInApplyOrder } from "../../stack/builders/stackObjects";
import { SECRET_SET } from "../../stack/config/schema";
import { configSet, parseConfigSet, storedConfigOf, writeStackFile, type StoredConfig } from "../support/pulumiConfigSet";
import { readBothWays, stackFileDir, type Reading } from "../support/bothPaths";
import { MOCK_RUN_ID, runProgram, type ProgramRun } from "../support/pulumiProgram";
import { named, ofType, only, plain, TYPES } from "../support/resourceGraph";
import { SCRIPTS } from "../support/clusterScripts";
import { ALL_DOCS } from "../support/docs";

const { dir, cleanup } = stackFileDir();
after(cleanup);

const committed = (stack: string): StoredConfig => storedConfigOf(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8"));

/** The two readings agree: the same config (a secret kubeContext is known to the engine only), or the same problems. */
function assertAlike(readings: { render: Reading; pulumi: Reading }): void {
  const { render, pulumi } = readings;
  if ("problems" in render || "problems" in pulumi) {
    assert.deepEqual(pulumi, render);
    return;
  }
  const engineOnly = pulumi.config.secretKeys.includes("kubeContext") ? { kubeContext: SECRET_SET } : {};
  assert.deepEqual({ ...pulumi.config, ...engineOnly }, render.config);
}

describe("render and pulumi up read the same stack file alike", () => {
  const cases: Record<string, StoredConfig> = {
    "the committed agg stack": committed("agg"),
    "the committed disagg stack": committed("disagg"),
    'namespace "2024", quoted as `pulumi config set` writes it': { ...committed("agg"), "dynamo-bench:namespace": "2024" },
    "namespace 2024, unquoted by hand": { ...committed("agg"), "dynamo-bench:namespace": 2024 },
    'kubeContext "null"': { ...committed("agg"), "dynamo-bench:kubeContext": "null" },
    "kubeContext left empty (null)": { ...committed("agg"), "dynamo-bench:kubeContext": null },
    "a secret kubeContext": configSet(committed("agg"), { key: "kubeContext", value: "prod-h200", secret: true, path: false }),
    "a section as JSON text": { ...committed("agg"), "dynamo-bench:graph": '{"name":"agg-json"}' },
    "a section as plain text": { ...committed("agg"), "dynamo-bench:graph": "agg-8xtp2" },
    "a plain-text token": { ...committed("agg"), "dynamo-bench:hfToken": "hf_plain" },
    "a secret section": configSet(committed("agg"), { key: "graph.name", value: "agg-x", secret: true, path: true }),
    "a misspelled namespace": { ...committed("agg"), "dynamo-bnech:graph": { name: "x" } },
    "a path set without --path": configSet(committed("agg"), { key: "benchmark.runKey", value: "2", secret: false, path: false }),
    "a whole number as text where a number goes": { ...committed("agg"), "dynamo-bench:workers": { decode: { replicas: "8" } } },
    "a graph name that starts with a digit": { ...committed("agg"), "dynamo-bench:graph": { name: "8xtp2" } },
  };
  for (const [name, stored] of Object.entries(cases)) {
    test(name, () => assertAlike(readBothWays(dir, "agg", stored)));
  }

  test('a stack named ".." or "." is refused by both: its results would land outside results/', () => {
    for (const stack of ["..", "."]) {
      const readings = readBothWays(dir, stack, committed("agg"));
      assertAlike(readings);
      assert.ok("problems" in readings.pulumi);
      assert.match(
        readings.pulumi.problems[0],
        /stack "\.{1,2}": its results are saved in results\/<stack>\/, so .* not starting with '\.'/,
      );
    }
  });

  test("what they agree on is right: text stays text, and the fixes are named", () => {
    const namespace = readBothWays(dir, "agg", cases['namespace "2024", quoted as `pulumi config set` writes it']).pulumi;
    assert.ok("config" in namespace && namespace.config.namespace === "2024");
    const context = readBothWays(dir, "agg", cases['kubeContext "null"']).pulumi;
    assert.ok("config" in context && context.config.kubeContext === "null");
    const dotted = readBothWays(dir, "agg", cases["a path set without --path"]).pulumi;
    assert.ok("problems" in dotted);
    assert.match(
      dotted.problems.join("\n"),
      /pulumi config rm -s agg benchmark\.runKey\).*pulumi config set -s agg --path benchmark\.runKey <value>/,
    );
  });
});

/** Every `pulumi config set -s <stack> …` the README and docs/ show, exactly as written. */
const README_COMMANDS = [...ALL_DOCS.matchAll(/(?:^|`)(pulumi config set -s [^`\n]+)/gm)].map((match) => match[1]);

describe("the README's config commands, stored as the Pulumi CLI stores them", () => {
  test("include the re-run, smoke-run, cleanup and token commands", () => {
    const text = README_COMMANDS.join("\n");
    for (const expected of [
      /--path benchmark\.runKey 2/,
      /--path benchmark\.fixedScheduleEndOffsetMs 300000/,
      /--path onDestroy\.deleteModelCache true/,
      /--secret hfToken/,
    ]) {
      assert.match(text, expected);
    }
  });

  for (const line of README_COMMANDS) {
    test(line, () => {
      const command = parseConfigSet(line);
      const stack = command.stack!;
      const readings = readBothWays(dir, stack, configSet(committed(stack), command));
      assertAlike(readings);
      assert.ok("config" in readings.render, `refused: ${"problems" in readings.render ? readings.render.problems.join("; ") : ""}`);
    });
  }

  test("they set what the README says", () => {
    let agg = committed("agg");
    let disagg = committed("disagg");
    for (const line of README_COMMANDS) {
      const command = parseConfigSet(line);
      if (command.stack === "agg") agg = configSet(agg, command);
      else disagg = configSet(disagg, command);
    }
    const aggConfig = readBothWays(dir, "agg", agg).pulumi;
    const disaggConfig = readBothWays(dir, "disagg", disagg).pulumi;
    assert.ok("config" in aggConfig && "config" in disaggConfig);
    assert.equal(aggConfig.config.benchmark.runKey, "2");
    assert.equal(aggConfig.config.benchmark.fixedScheduleEndOffsetMs, 300000);
    assert.equal(aggConfig.config.hfToken, SECRET_SET);
    assert.deepEqual(disaggConfig.config.onDestroy, { deleteModelCache: true, deleteResults: true });
  });
});

describe("pulumi up, under mocks, after the README's agg commands", () => {
  let run: ProgramRun;
  let stackFile: string;
  before(async () => {
    let stored = committed("agg");
    for (const line of README_COMMANDS.filter((command) => command.includes("-s agg"))) stored = configSet(stored, parseConfigSet(line));
    stackFile = writeStackFile(dir, "agg", stored);
    run = await runProgram("agg", { stackFile });
    assert.equal(run.error, undefined);
  });

  test("applies what render prints for the same file", () => {
    // render's objects, with the run id the mocks draw in place of its "run-id".
    const objects = buildStackObjects(stackConfigFromFile(stackFile), { stack: "agg", runId: MOCK_RUN_ID }, SCRIPTS);
    const benchmarkJob = ofType(run, TYPES.job).find((resource) => resource.inputs.metadata.name.includes("-benchmark-"))!;
    assert.deepEqual(benchmarkJob.inputs, plain(objects.benchmark!.job));
    assert.deepEqual(only(run, TYPES.graph).inputs, plain(objects.dynamoGraph));
    assert.equal(named(run, TYPES.secret, "agg-8xtp2-hf-token").inputs.metadata.name, objects.hfTokenSecret!.metadata!.name);
    assert.deepEqual(
      renderStack(stackFile).manifests.map((manifest) => manifest.fileName),
      objectsInApplyOrder(buildStackObjects(stackConfigFromFile(stackFile), { stack: "agg", runId: "run-id" }, SCRIPTS)).map(
        (object) => `${object.kind.toLowerCase()}-${object.metadata?.name}.yaml`,
      ),
    );
  });

  test("draws the run id from runKey 2 and replays the first 300000 ms", () => {
    assert.equal(only(run, TYPES.randomId).inputs.keepers.runKey, "2");
    const benchmarkJob = ofType(run, TYPES.job).find((resource) => resource.inputs.metadata.name.includes("-benchmark-"))!;
    const env = benchmarkJob.inputs.spec.template.spec.initContainers[0].env;
    assert.deepEqual(
      env.find((variable: { name: string }) => variable.name === "FIXED_SCHEDULE_END_OFFSET_MS"),
      { name: "FIXED_SCHEDULE_END_OFFSET_MS", value: "300000" },
    );
  });
});
