import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Container } from "kubernetes-models/v1/Container";
import { EnvVar } from "kubernetes-models/v1/EnvVar";
import { Job } from "kubernetes-models/batch/v1/Job";
import { SECRET_SET } from "../config/schema";
import { parseStackConfig } from "../config/stackConfig";
import { stackConfigFromFile } from "../config/stackFile";
import { PROJECT_ROOT } from "../cli/stackFiles";
import { buildStackObjects } from "../builders/stackObjects";

const configs = {
  agg: stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.agg.yaml")),
  disagg: stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.disagg.yaml")),
  "agg with a token and a storage class": parseStackConfig(
    { variant: "agg", hfToken: SECRET_SET, storage: { storageClassName: "nfs-client" } },
    "test",
  ),
};

describe("the core objects are valid against the Kubernetes schema", () => {
  for (const [name, config] of Object.entries(configs)) {
    const objects = buildStackObjects(config, { stack: "agg", runId: "0a1b2c3d" });

    test(`${name}: the three PersistentVolumeClaims`, () => {
      for (const claim of Object.values(objects.persistentVolumeClaims)) new PersistentVolumeClaim(claim).validate();
    });

    test(`${name}: the model download Job`, () => {
      new Job(objects.modelDownloadJob).validate();
    });

    test(`${name}: the token Secret, when the stack creates one`, () => {
      assert.equal(objects.hfTokenSecret !== undefined, config.hfToken !== undefined);
      if (objects.hfTokenSecret) new Secret(objects.hfTokenSecret).validate();
    });

    test(`${name}: the benchmark's scripts ConfigMap and Job`, () => {
      new ConfigMap(objects.benchmark!.scripts).validate();
      new Job(objects.benchmark!.job).validate();
    });

    test(`${name}: the graph's main containers and environment, which are core Container and EnvVar types`, () => {
      for (const [serviceName, service] of Object.entries(objects.dynamoGraph.spec.services)) {
        new Container({ name: serviceName.toLowerCase(), ...service.extraPodSpec.mainContainer }).validate();
        for (const env of service.envs ?? []) new EnvVar(env).validate();
      }
    });
  }
});

test("the validator rejects what the API server would", () => {
  const job = buildStackObjects(configs.agg, { stack: "agg", runId: "0a1b2c3d" }).modelDownloadJob;
  const broken = { ...job, spec: { ...job.spec!, backoffLimit: "three" as unknown as number } };
  assert.throws(() => new Job(broken).validate(), /backoffLimit/);
});
