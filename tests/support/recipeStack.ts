import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { benchmarkOutputs, stackSummary } from "../../stack/outputs";
import { MOCK_RUN_ID, runProgram, type ProgramRun } from "./pulumiProgram";
import { named, ofType, only, plain, providerOf, TYPES } from "./resourceGraph";
import { SCRIPTS } from "./clusterScripts";

/** The tests every recipe stack passes, run on its real Pulumi.<stack>.yaml under Pulumi's mocks. */
export function describeRecipeStack(stack: "agg" | "disagg"): void {
  const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
  const objects = buildStackObjects(config, { stack, runId: MOCK_RUN_ID }, SCRIPTS);
  let run: ProgramRun;
  const jobs = () => ofType(run, TYPES.job);
  const downloadJob = () => jobs().find((job) => job.inputs.metadata.name.endsWith("-model-download"))!;
  const benchmarkJob = () => jobs().find((job) => job.inputs.metadata.name.includes("-benchmark-"))!;

  describe(`pulumi up -s ${stack}`, () => {
    before(async () => {
      run = await runProgram(stack);
      assert.equal(run.error, undefined);
    });
    test("registers the storage, the download, the graph and the benchmark, and nothing else", () => {
      const counts: Record<string, number> = {};
      for (const resource of run.resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
      assert.deepEqual(counts, {
        [TYPES.sharedStorage]: 1,
        [TYPES.provider]: 2,
        [TYPES.pvc]: 3,
        [TYPES.modelDownload]: 1,
        [TYPES.job]: 2,
        [TYPES.dynamoGraph]: 1,
        [TYPES.graph]: 1,
        [TYPES.randomId]: 1,
        [TYPES.benchmark]: 1,
        [TYPES.configMap]: 1,
        [TYPES.serviceAccount]: 1,
        [TYPES.role]: 1,
        [TYPES.roleBinding]: 1,
      });
      assert.deepEqual(run.warnings, []);
    });

    test("applies exactly the objects that render prints", () => {
      for (const claim of Object.values(objects.persistentVolumeClaims)) {
        assert.deepEqual(named(run, TYPES.pvc, claim.metadata!.name!).inputs, plain(claim));
      }
      assert.deepEqual(downloadJob().inputs, plain(objects.modelDownloadJob));
      assert.deepEqual(only(run, TYPES.graph).inputs, plain(objects.dynamoGraph));
      assert.deepEqual(only(run, TYPES.configMap).inputs, plain(objects.benchmark!.scripts));
      assert.deepEqual(only(run, TYPES.serviceAccount).inputs, plain(objects.benchmark!.access.serviceAccount));
      assert.deepEqual(only(run, TYPES.role).inputs, plain(objects.benchmark!.access.role));
      assert.deepEqual(only(run, TYPES.roleBinding).inputs, plain(objects.benchmark!.access.roleBinding));
      assert.deepEqual(benchmarkJob().inputs, plain(objects.benchmark!.job), "the Job named with the run id that was drawn");
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
      const job = downloadJob();
      for (const claim of ofType(run, TYPES.pvc)) assert.ok(job.dependencies.includes(claim.urn), `the Job waits for ${claim.name}`);
      const graph = only(run, TYPES.graph);
      assert.ok(graph.dependencies.includes(job.urn), "the graph waits for the download Job");
    });

    test("the stack's own objects go through the cluster provider, which adopts what an interrupted up left; destroy deletes them", () => {
      const access = [TYPES.serviceAccount, TYPES.role, TYPES.roleBinding].map((type) => only(run, type));
      for (const resource of [downloadJob(), only(run, TYPES.graph), benchmarkJob(), only(run, TYPES.configMap), ...access]) {
        const provider = providerOf(run, resource);
        assert.equal(provider.name, "cluster");
        assert.equal(String(provider.inputs.upsertExistingObjects), "true", `${resource.name}: no AlreadyExists after a Ctrl-C`);
        assert.equal(provider.inputs.enablePatchForce, undefined, "never forced over another stack's object");
        assert.deepEqual(
          [
            resource.inputs.metadata.annotations["pulumi.com/patchFieldManager"],
            resource.inputs.metadata.annotations["dynamo-bench/stack"],
          ],
          [`dynamo-bench-${stack}`, stack],
          `${resource.name} is applied by the stack's own field manager`,
        );
        assert.notEqual(resource.retainOnDelete, true);
      }
      assert.equal(downloadJob().deleteBeforeReplace, true, "a replaced Job keeps its name, so the old one goes first");
    });

    test("the benchmark starts once the graph is Ready, is summarized after it completes, and a new run key draws a new run id", () => {
      const scripts = only(run, TYPES.configMap);
      assert.ok(scripts.dependencies.includes(only(run, TYPES.graph).urn), "the scripts wait for the graph");
      assert.ok(benchmarkJob().dependencies.includes(scripts.urn), "the Job waits for its scripts");
      assert.deepEqual(run.hooks, [{ name: "collect-benchmark-summary", ignoreErrors: true, onDryRun: false }]);
      assert.deepEqual(benchmarkJob().afterCreateHooks, ["collect-benchmark-summary"], "the summary is fetched once the Job completes");
      assert.deepEqual(run.errorHooks, ["save-failed-benchmark"]);
      assert.deepEqual(benchmarkJob().onErrorHooks, ["save-failed-benchmark"], "and saved when it fails or times out");
      const runId = only(run, TYPES.randomId);
      assert.equal(runId.inputs.keepers.runKey, config.benchmark.runKey);
      assert.match(runId.inputs.keepers.measured, /^[0-9a-f]{16}$/);
    });

    test("outputs the namespace, graph, frontend URL, port-forward command, claims, GPUs and the run's places", () => {
      const { benchmark, ...rest } = run.outputs;
      assert.deepEqual(rest, stackSummary(config, stack));
      assert.deepEqual(benchmark, benchmarkOutputs(config, { stack, runId: MOCK_RUN_ID }, benchmarkJob().inputs.metadata.name));
      assert.equal((benchmark as any).artifactPath, `artifacts/${stack}/${MOCK_RUN_ID}`);
      assert.equal(run.outputs.frontendUrl, `http://${config.graph.name}-frontend.dynamo-bench.svc:8000`);
      assert.equal(run.outputs.totalGpus, 16);
    });
  });
}
