import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackConfigFromFile } from "../../config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects } from "../../builders/stackObjects";
import { stackSummary } from "../../outputs";
import { runProgram, type ProgramRun } from "./pulumiProgram";
import { named, ofType, only, plain, providerOf, TYPES } from "./resourceGraph";

/** The tests every recipe stack passes, run on its real Pulumi.<stack>.yaml under Pulumi's mocks. */
export function describeRecipeStack(stack: "agg" | "disagg"): void {
  const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
  const objects = buildStackObjects(config);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(stack);
    assert.equal(run.error, undefined);
  });

  describe(`pulumi up -s ${stack}`, () => {
    test("registers the storage, the download and the graph, and nothing else", () => {
      const counts: Record<string, number> = {};
      for (const resource of run.resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
      assert.deepEqual(counts, {
        [TYPES.sharedStorage]: 1,
        [TYPES.provider]: 2,
        [TYPES.pvc]: 3,
        [TYPES.modelDownload]: 1,
        [TYPES.job]: 1,
        [TYPES.dynamoGraph]: 1,
        [TYPES.graph]: 1,
      });
      assert.deepEqual(run.warnings, []);
    });

    test("applies exactly the objects that render prints", () => {
      for (const claim of Object.values(objects.persistentVolumeClaims)) {
        assert.deepEqual(named(run, TYPES.pvc, claim.metadata!.name!).inputs, plain(claim));
      }
      assert.deepEqual(only(run, TYPES.job).inputs, plain(objects.modelDownloadJob));
      assert.deepEqual(only(run, TYPES.graph).inputs, plain(objects.dynamoGraph));
    });

    test("the caches go through a provider that adopts existing claims, and destroy keeps them", () => {
      const storage = only(run, TYPES.sharedStorage);
      for (const claim of ofType(run, TYPES.pvc)) {
        assert.equal(claim.parentUrn, storage.urn);
        assert.equal(claim.retainOnDelete, true, `${claim.name} must survive pulumi destroy`);
        const provider = providerOf(run, claim);
        assert.equal(provider.parentUrn, storage.urn);
        assert.equal(String(provider.inputs.upsertExistingObjects), "true");
        assert.equal(String(provider.inputs.enablePatchForce), "true");
      }
    });

    test("the download starts after the caches exist, and the graph after the download", () => {
      const job = only(run, TYPES.job);
      for (const claim of ofType(run, TYPES.pvc)) assert.ok(job.dependencies.includes(claim.urn), `the Job waits for ${claim.name}`);
      const graph = only(run, TYPES.graph);
      assert.ok(graph.dependencies.includes(job.urn), "the graph waits for the download Job");
    });

    test("the stack's own objects go through the plain cluster provider and are deleted on destroy", () => {
      for (const resource of [only(run, TYPES.job), only(run, TYPES.graph)]) {
        const provider = providerOf(run, resource);
        assert.equal(provider.name, "cluster");
        assert.equal(provider.inputs.upsertExistingObjects, undefined);
        assert.notEqual(resource.retainOnDelete, true);
      }
      assert.equal(only(run, TYPES.job).deleteBeforeReplace, true, "a replaced Job keeps its name, so the old one goes first");
    });

    test("outputs the namespace, graph, frontend URL, port-forward command, claims and GPUs", () => {
      assert.deepEqual(run.outputs, stackSummary(config));
      assert.equal(run.outputs.frontendUrl, `http://${config.graph.name}-frontend.dynamo-bench.svc:8000`);
      assert.equal(run.outputs.totalGpus, 16);
    });
  });
}
