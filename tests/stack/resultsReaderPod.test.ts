import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Pod } from "kubernetes-models/v1/Pod";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { buildResultsReaderPod, RESULTS_READER_PORT } from "../../stack/builders/resultsReaderPod";
import { loadResultsReaderScript } from "../../stack/clusterScriptFiles";

describe("the results reader pod", () => {
  for (const stack of ["agg", "disagg", "mock-agg"]) {
    const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
    const pod = buildResultsReaderPod(config, {
      podName: "dynamo-bench-results-0a1b2c3d",
      stack,
      deadlineSeconds: 1860,
      script: loadResultsReaderScript(),
    });

    test(`${stack}: is valid against the Kubernetes schema (kubernetes-models)`, () => {
      new Pod(pod).validate();
    });

    test(`${stack}: mounts perf-cache read-only, twice over, runs the benchmark Job's image, and ends itself at its deadline`, () => {
      const spec = pod.spec!;
      const [container] = spec.containers;
      assert.equal(pod.metadata?.namespace, config.namespace);
      assert.deepEqual(spec.volumes, [{ name: "perf-cache", persistentVolumeClaim: { claimName: "perf-cache", readOnly: true } }]);
      assert.deepEqual(container.volumeMounts, [{ name: "perf-cache", mountPath: "/perf-cache", readOnly: true }]);
      assert.equal(container.image, config.benchmark.image);
      assert.equal(spec.activeDeadlineSeconds, 1860);
      assert.equal(spec.restartPolicy, "Never");
      assert.equal(spec.automountServiceAccountToken, false);
      assert.deepEqual(container.command?.slice(4), [`/perf-cache/artifacts/${stack}`, String(RESULTS_READER_PORT), "0.0.0.0"]);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      assert.deepEqual(pod.metadata?.labels, {
        "app.kubernetes.io/part-of": "dynamo-bench",
        "app.kubernetes.io/component": "results-reader",
      });
    });
  }

  test("a stack name that is no valid label value is kept in an annotation, and the pod stays valid", () => {
    const config = stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.agg.yaml"));
    const pod = buildResultsReaderPod(config, {
      podName: "dynamo-bench-results-00000000",
      stack: "my_stack.v2-",
      deadlineSeconds: 60,
      script: "",
    });
    new Pod(pod).validate();
    assert.equal(pod.metadata?.annotations?.["dynamo-bench/stack"], "my_stack.v2-");
  });
});
