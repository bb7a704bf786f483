import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Job } from "kubernetes-models/batch/v1/Job";
import { SECRET_SET } from "../../stack/config/schema";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { dgdSchema, dynamoGraphProblems as problemsIn } from "../../stack/schemas/dynamoGraphSchema";
import { stackRelease } from "../../stack/config/dynamoRelease";
import { releaseFor } from "../../stack/schemas/dynamoReleases";
import { SCRIPTS } from "../support/clusterScripts";

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
    const objects = buildStackObjects(config, { stack: "agg", runId: "0a1b2c3d" }, SCRIPTS);

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

    test(`${name}: the DynamoGraphDeployment, against the operator's own CRD schema, with nothing the API server would drop`, () => {
      assert.deepEqual(problemsIn(objects.dynamoGraph, stackRelease(config)), []);
    });
  }
});

test("the validator rejects what the API server would", () => {
  const job = buildStackObjects(configs.agg, { stack: "agg", runId: "0a1b2c3d" }, SCRIPTS).modelDownloadJob;
  const broken = { ...job, spec: { ...job.spec!, backoffLimit: "three" as unknown as number } };
  assert.throws(() => new Job(broken).validate(), /backoffLimit/);
});

describe("the DynamoGraphDeployment check catches what the operator's CRD would refuse or drop", () => {
  const graph = () => structuredClone(buildStackObjects(configs.agg, { stack: "agg", runId: "0a1b2c3d" }, SCRIPTS).dynamoGraph) as any;
  const release = stackRelease(configs.agg);
  const dynamoGraphProblems = (graph: object) => problemsIn(graph as { apiVersion: string }, release);

  test("the schema is the recipe's release's v1alpha1, from the commit it was extracted at", () => {
    const schema = dgdSchema(release, "v1alpha1");
    assert.equal(
      schema.source,
      "ai-dynamo/dynamo@4cba833f0161e2860801e971305028b9febcc3e3:deploy/operator/config/crd/bases/nvidia.com_dynamographdeployments.yaml",
    );
    const { served, storage, deprecated } = release.dynamoGraphDeployment;
    assert.deepEqual({ served, storage, deprecated }, { served: ["v1alpha1", "v1beta1"], storage: "v1alpha1", deprecated: ["v1alpha1"] });
    assert.doesNotMatch(JSON.stringify(schema.schema), /"description"/, "no upstream prose is kept");
  });

  test("a misspelled field, which the API server would silently drop", () => {
    const misspelled = graph();
    misspelled.spec.services.Frontend.extraPodSpecc = misspelled.spec.services.Frontend.extraPodSpec;
    delete misspelled.spec.services.Frontend.extraPodSpec;
    assert.deepEqual(dynamoGraphProblems(misspelled), [
      "spec.services.Frontend.extraPodSpecc: not in the schema; the API server would silently drop it",
    ]);
  });

  test("a wrong type, and a value outside an enum", () => {
    const wrong = graph();
    wrong.spec.services.VllmDecodeWorker.replicas = "8";
    wrong.spec.backendFramework = "tensorrt";
    const problems = dynamoGraphProblems(wrong).join("\n");
    assert.match(problems, /spec\.services\.VllmDecodeWorker\.replicas: Instance type "string" is invalid\. Expected "integer"\./);
    assert.match(problems, /spec\.backendFramework: Instance does not match any of \["sglang","vllm","trtllm"\]\./);
  });

  test("a runtime version override the CRD's pattern refuses", () => {
    const override = graph();
    override.spec.services.Frontend.runtimeVersionOverride = "v1.3.1";
    assert.match(
      problemsIn(override, releaseFor("1.4.0")!).join("\n"),
      /spec\.services\.Frontend\.runtimeVersionOverride: String does not match pattern ".+"\.$/m,
      "1.4's CRD has the field, and holds it to a pattern",
    );
    assert.match(
      dynamoGraphProblems(override).join("\n"),
      /spec\.services\.Frontend\.runtimeVersionOverride: not in the schema; the API server would silently drop it/,
      "1.3's has no such field",
    );
  });
});
