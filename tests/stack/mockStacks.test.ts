import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { totalGpus, workerPools } from "../../stack/config/schema";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { operatorNames, stackObjectNames } from "../../stack/config/names";
import { SCRIPTS } from "../support/clusterScripts";

const stack = (name: string) => stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${name}.yaml`));
const PAIRS = [
  ["mock-agg", "agg"],
  ["mock-disagg", "disagg"],
] as const;

describe("the committed mock stacks", () => {
  test("rehearse the recipe's two topologies on the mocker: 8 workers round-robin; 6 prefill + 2 decode with KV routing", () => {
    for (const [mock, real] of PAIRS) {
      const rehearsal = stack(mock);
      const recipe = stack(real);
      assert.equal(rehearsal.workers.engine, "mocker", mock);
      assert.equal(rehearsal.variant, recipe.variant);
      assert.equal(rehearsal.frontend.routerMode, recipe.frontend.routerMode);
      assert.deepEqual(workerPools(rehearsal), workerPools(recipe));
      assert.equal(totalGpus(rehearsal), totalGpus(recipe), "the same GPU budget is modelled, and none requested");
    }
  });

  test("fit one node and take minutes: one-node storage, small caches, two minutes of the trace, a fast engine", () => {
    for (const [mock] of PAIRS) {
      const config = stack(mock);
      assert.equal(config.storage.accessMode, "ReadWriteOnce");
      assert.deepEqual(
        [config.storage.modelCacheSize, config.storage.compilationCacheSize, config.storage.perfCacheSize],
        ["1Gi", "1Gi", "1Gi"],
      );
      assert.equal(config.benchmark.fixedScheduleEndOffsetMs, 120_000);
      assert.equal(config.workers.mocker.speedupRatio, 10);
      assert.equal(config.workers.rdma.enabled, false);
    }
  });

  test("never touch the GPU stacks' objects: their own namespace, and names no GPU stack uses", () => {
    const gpuNames = new Set<string>();
    for (const [, real] of PAIRS) {
      const config = stack(real);
      for (const object of Object.values(buildStackObjects(config, { stack: real, runId: "0" }, SCRIPTS)).flat()) {
        if (object?.metadata?.name) gpuNames.add(`${object.metadata.namespace ?? config.namespace}/${object.metadata.name}`);
      }
    }
    for (const [mock, real] of PAIRS) {
      const config = stack(mock);
      assert.notEqual(config.namespace, stack(real).namespace);
      for (const object of Object.values(buildStackObjects(config, { stack: mock, runId: "0" }, SCRIPTS)).flat()) {
        if (!object?.metadata?.name) continue;
        const name = `${object.metadata.namespace ?? config.namespace}/${object.metadata.name}`;
        assert.ok(!gpuNames.has(name), `${mock} would touch ${name}`);
      }
      assert.deepEqual(
        [...stackObjectNames(config, "0"), ...operatorNames(config)].filter((derived) => derived.name.length > 63),
        [],
      );
    }
  });
});
