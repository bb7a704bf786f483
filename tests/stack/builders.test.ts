import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { configWarnings, SECRET_SET, type StackConfig } from "../../stack/config/schema";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects, type StackObjects, objectsInApplyOrder } from "../../stack/builders/stackObjects";
import { frontendArgs, type DynamoGraphDeployment } from "../../stack/builders/dynamoGraph";
import type { DynamoGraphDeploymentV1beta1 } from "../../stack/builders/dynamoGraphV1beta1";
import { dynamoGraphProblems } from "../../stack/schemas/dynamoGraphSchema";
import { stackRelease } from "../../stack/config/dynamoRelease";
import { REDACTED_TOKEN } from "../../stack/builders/hfTokenSecret";
import { stackSummary } from "../../stack/outputs";
import { SCRIPTS } from "../support/clusterScripts";

const RUN = { stack: "test", runId: "0a1b2c3d" };

const agg = stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.agg.yaml"));
const disagg = stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.disagg.yaml"));

const IMAGE = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1";
const HF_HOME = "/home/dynamo/.cache/huggingface";
const HF_OVERRIDES =
  '{"rope_scaling":{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768},"max_position_embeddings":131072}';
const KV_TRANSFER = '{"kv_connector":"NixlConnector","kv_role":"kv_both"}';
const KV_EVENTS = '{"publisher":"zmq","topic":"kv-events","endpoint":"tcp://*:20080","enable_kv_cache_events":true}';
const COMMON_WORKER_ARGS = [
  "--model",
  `${HF_HOME}/hub/models--Qwen--Qwen3-32B/snapshots/9216db5781bf21249d130ec9da846c4624c16137`,
  "--served-model-name",
  "Qwen/Qwen3-32B",
  "--tensor-parallel-size",
  "2",
  "--no-enable-log-requests",
  "--gpu-memory-utilization",
  "0.90",
  "--async-scheduling",
  "--block-size",
  "64",
  "--max-model-len",
  "131072",
  "--hf-overrides",
  HF_OVERRIDES,
];

/** The graph a stack applies, in the recipe's v1alpha1. */
function graphOf(config: StackConfig): DynamoGraphDeployment {
  return v1alpha1(buildStackObjects(config, RUN, SCRIPTS).dynamoGraph);
}

function v1alpha1(graph: StackObjects["dynamoGraph"]): DynamoGraphDeployment {
  assert.equal(graph.apiVersion, "nvidia.com/v1alpha1");
  return graph as DynamoGraphDeployment;
}

function withConfig(base: StackConfig, overrides: Record<string, unknown>): StackConfig {
  return parseStackConfig({ variant: base.variant, ...overrides }, "test");
}

describe("storage", () => {
  test("three claims with the recipe's names and sizes, ReadWriteMany, on the default class", () => {
    const claims = buildStackObjects(agg, RUN, SCRIPTS).persistentVolumeClaims;
    const summary = Object.values(claims).map((c) => [c.metadata?.name, c.spec?.resources?.requests?.storage, c.spec?.accessModes]);
    assert.deepEqual(summary, [
      ["model-cache", "100Gi", ["ReadWriteMany"]],
      ["compilation-cache", "50Gi", ["ReadWriteMany"]],
      ["perf-cache", "50Gi", ["ReadWriteMany"]],
    ]);
    for (const claim of Object.values(claims)) {
      assert.equal(claim.spec?.storageClassName, undefined, "unset means the cluster default");
      assert.equal(claim.metadata?.namespace, "dynamo-bench");
      assert.equal(claim.metadata?.annotations?.["pulumi.com/skipAwait"], "true");
    }
  });

  test("a configured storage class and access mode reach every claim", () => {
    const config = withConfig(agg, { storage: { storageClassName: "cephfs", accessMode: "ReadWriteOnce", perfCacheSize: "1Ti" } });
    const claims = buildStackObjects(config, RUN, SCRIPTS).persistentVolumeClaims;
    for (const claim of Object.values(claims)) {
      assert.equal(claim.spec?.storageClassName, "cephfs");
      assert.deepEqual(claim.spec?.accessModes, ["ReadWriteOnce"]);
    }
    assert.equal(claims.perfCache.spec?.resources?.requests?.storage, "1Ti");
  });

  test("both stacks build byte-identical claims, since both apply them", () => {
    assert.deepEqual(
      buildStackObjects(agg, RUN, SCRIPTS).persistentVolumeClaims,
      buildStackObjects(disagg, RUN, SCRIPTS).persistentVolumeClaims,
    );
  });
});

describe("model download Job", () => {
  const job = buildStackObjects(agg, RUN, SCRIPTS).modelDownloadJob;
  const container = job.spec!.template.spec!.containers[0];

  test("runs the pinned tools in python:3.10-slim with the recipe's environment", () => {
    assert.equal(container.image, "python:3.10-slim");
    assert.deepEqual(container.command, ["sh", "-c"]);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual(env, {
      MODEL_NAME: "Qwen/Qwen3-32B",
      MODEL_REVISION: "9216db5781bf21249d130ec9da846c4624c16137",
      HF_HOME,
      HF_XET_HIGH_PERFORMANCE: "1",
      HUGGINGFACE_HUB_VERSION: "1.11.0",
    });
    const script = container.args![0];
    assert.match(script, /pip install --no-cache-dir "huggingface_hub==\$HUGGINGFACE_HUB_VERSION"\n/);
    assert.doesNotMatch(script, /hf_transfer/, "huggingface_hub 1.x ignores it");
    assert.match(script, /hf download "\$MODEL_NAME" --revision "\$MODEL_REVISION"/);
  });

  test("reads the token from the recipe's Secret and writes into the model cache at HF_HOME", () => {
    assert.deepEqual(container.envFrom, [{ secretRef: { name: "hf-token-secret" } }]);
    assert.deepEqual(container.volumeMounts, [{ name: "model-cache", mountPath: HF_HOME }]);
    assert.deepEqual(job.spec!.template.spec!.volumes, [{ name: "model-cache", persistentVolumeClaim: { claimName: "model-cache" } }]);
  });

  test("retries three times, never restarts in place, and is replaced by the next up if it failed", () => {
    assert.equal(job.spec!.backoffLimit, 3);
    assert.equal(job.spec!.template.spec!.restartPolicy, "Never");
    assert.equal(job.metadata?.annotations?.["pulumi.com/replaceUnready"], "true");
  });

  test("`pulumi up` waits two hours for 64 GB, not the provider's 10 minutes", () => {
    assert.equal(job.metadata?.annotations?.["pulumi.com/timeoutSeconds"], "7200");
    const slower = buildStackObjects(withConfig(agg, { modelDownload: { timeoutMinutes: 300 } }), RUN, SCRIPTS).modelDownloadJob;
    assert.equal(slower.metadata?.annotations?.["pulumi.com/timeoutSeconds"], "18000");
  });

  test("each stack owns a Job of its own name, so both can exist in one namespace", () => {
    assert.equal(job.metadata?.name, "agg-8xtp2-model-download");
    assert.equal(buildStackObjects(disagg, RUN, SCRIPTS).modelDownloadJob.metadata?.name, "disagg-router-6p-2d-model-download");
  });
});

describe("HF token Secret", () => {
  test("without a token in config the stack uses the recipe's existing hf-token-secret and creates none", () => {
    const objects = buildStackObjects(disagg, RUN, SCRIPTS);
    assert.equal(objects.hfTokenSecret, undefined);
    for (const service of Object.values(v1alpha1(objects.dynamoGraph).spec.services).filter((s) => s.componentType === "worker")) {
      assert.equal(service.envFromSecret, "hf-token-secret");
    }
  });

  test("with a token the stack creates its own Secret, redacted, and every pod reads it", () => {
    const objects = buildStackObjects(withConfig(disagg, { hfToken: SECRET_SET }), RUN, SCRIPTS);
    assert.equal(objects.hfTokenSecret?.metadata?.name, "disagg-router-6p-2d-hf-token");
    assert.deepEqual(objects.hfTokenSecret?.stringData, { HF_TOKEN: REDACTED_TOKEN });
    assert.deepEqual(objects.modelDownloadJob.spec!.template.spec!.containers[0].envFrom, [
      { secretRef: { name: "disagg-router-6p-2d-hf-token" } },
    ]);
    assert.equal(v1alpha1(objects.dynamoGraph).spec.services.VllmPrefillWorker.envFromSecret, "disagg-router-6p-2d-hf-token");
  });

  test("an existing Secret can be named instead", () => {
    const objects = buildStackObjects(withConfig(agg, { hfTokenSecretName: "team-hf" }), RUN, SCRIPTS);
    assert.equal(objects.hfTokenSecret, undefined);
    assert.equal(v1alpha1(objects.dynamoGraph).spec.services.VllmDecodeWorker.envFromSecret, "team-hf");
  });
});

describe("DynamoGraphDeployment, both variants", () => {
  for (const config of [agg, disagg]) {
    const graph = graphOf(config);

    test(`${config.variant}: mounts the two existing caches and runs one image everywhere`, () => {
      assert.equal(graph.apiVersion, "nvidia.com/v1alpha1");
      assert.equal(graph.kind, "DynamoGraphDeployment");
      assert.deepEqual(graph.spec.pvcs, [
        { name: "model-cache", create: false },
        { name: "compilation-cache", create: false },
      ]);
      for (const service of Object.values(graph.spec.services)) {
        assert.equal(service.extraPodSpec.mainContainer.image, IMAGE);
      }
    });

    test(`${config.variant}: the frontend is one replica with 8 CPUs running dynamo.frontend`, () => {
      const frontend = graph.spec.services.Frontend;
      assert.equal(frontend.componentType, "frontend");
      assert.equal(frontend.replicas, 1);
      assert.deepEqual(frontend.resources, { requests: { cpu: "8" }, limits: { cpu: "8" } });
      assert.deepEqual(frontend.envs, [{ name: "HF_HOME", value: HF_HOME }]);
      assert.deepEqual(frontend.extraPodSpec.mainContainer.command, ["python3", "-m", "dynamo.frontend"]);
    });

    test(`${config.variant}: every worker has 2 GPUs, 2 rdma/ib, both caches and the recipe's environment`, () => {
      for (const service of Object.values(graph.spec.services).filter((s) => s.componentType === "worker")) {
        assert.deepEqual(service.resources, { requests: { gpu: "2" }, limits: { gpu: "2", custom: { "rdma/ib": "2" } } });
        assert.deepEqual(service.volumeMounts, [
          { name: "model-cache", mountPoint: HF_HOME },
          { name: "compilation-cache", mountPoint: "/home/dynamo/.cache/vllm", useAsCompilationCache: true },
        ]);
        assert.deepEqual(service.extraPodSpec.mainContainer.command, ["python3", "-m", "dynamo.vllm"]);
        assert.deepEqual(service.extraPodSpec.mainContainer.env, [
          { name: "DYN_HEALTH_CHECK_ENABLED", value: "false" },
          { name: "HF_HOME", value: HF_HOME },
        ]);
        assert.deepEqual(service.extraPodSpec.mainContainer.args.slice(0, COMMON_WORKER_ARGS.length), COMMON_WORKER_ARGS);
      }
    });

    test(`${config.variant}: the workers load the downloaded snapshot of the pinned revision, served under the model's name`, () => {
      const other = withConfig(config, { model: { name: "Acme/Big-Model.v2", revision: "0123456789abcdef0123456789abcdef01234567" } });
      const download = buildStackObjects(other, RUN, SCRIPTS).modelDownloadJob.spec!.template.spec!.containers[0];
      const downloadHfHome = download.env!.find((variable) => variable.name === "HF_HOME")!.value;
      for (const service of Object.values(graphOf(other).spec.services).filter((s) => s.componentType === "worker")) {
        const args = service.extraPodSpec.mainContainer.args;
        const model = args[args.indexOf("--model") + 1];
        // A local path, so dynamo.vllm never fetches the hub's main; in the cache the download Job fills, at the pinned commit.
        assert.equal(model, `${downloadHfHome}/hub/models--Acme--Big-Model.v2/snapshots/0123456789abcdef0123456789abcdef01234567`);
        assert.ok(model.startsWith(service.volumeMounts!.find((mount) => mount.name === "model-cache")!.mountPoint + "/"));
        assert.equal(args[args.indexOf("--served-model-name") + 1], "Acme/Big-Model.v2");
        assert.ok(!args.includes("--revision"), "a local path takes no revision");
      }
    });

    test(`${config.variant}: \`pulumi up\` waits for Ready and state successful, for at least 30 minutes`, () => {
      const annotations = graph.metadata.annotations!;
      assert.deepEqual(JSON.parse(annotations["pulumi.com/waitFor"]), ["condition=Ready", "jsonpath={.status.state}=successful"]);
      assert.ok(Number(annotations["pulumi.com/timeoutSeconds"]) >= 1800);
    });
  }
});

describe("DynamoGraphDeployment, agg", () => {
  const graph = graphOf(agg);

  test("round-robin: the frontend passes no --router-mode", () => {
    assert.deepEqual(graph.spec.services.Frontend.extraPodSpec.mainContainer.args, ["--router-reset-states"]);
  });

  test("one service of 8 decode workers, with only the common args", () => {
    assert.deepEqual(Object.keys(graph.spec.services), ["Frontend", "VllmDecodeWorker"]);
    const decode = graph.spec.services.VllmDecodeWorker;
    assert.equal(decode.subComponentType, "decode");
    assert.equal(decode.replicas, 8);
    assert.equal(decode.envFromSecret, "hf-token-secret");
    assert.deepEqual(decode.extraPodSpec.mainContainer.args, COMMON_WORKER_ARGS);
  });
});

describe("DynamoGraphDeployment, disagg", () => {
  const graph = graphOf(disagg);

  test("the frontend routes with --router-mode kv", () => {
    assert.deepEqual(graph.spec.services.Frontend.extraPodSpec.mainContainer.args, ["--router-mode", "kv", "--router-reset-states"]);
  });

  test("6 prefill workers send KV over NIXL, publish KV events and are scraped by Prometheus", () => {
    const prefill = graph.spec.services.VllmPrefillWorker;
    assert.equal(prefill.componentType, "worker");
    assert.equal(prefill.subComponentType, "prefill");
    assert.equal(prefill.replicas, 6);
    assert.deepEqual(prefill.extraPodSpec.mainContainer.args, [
      ...COMMON_WORKER_ARGS,
      "--disaggregation-mode",
      "prefill",
      "--kv-transfer-config",
      KV_TRANSFER,
      "--kv-events-config",
      KV_EVENTS,
    ]);
    assert.deepEqual(prefill.extraPodMetadata, {
      annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9400", "prometheus.io/path": "/metrics" },
    });
  });

  test("2 decode workers receive KV over NIXL, without a prefix cache of their own", () => {
    const decode = graph.spec.services.VllmDecodeWorker;
    assert.equal(decode.subComponentType, "decode");
    assert.equal(decode.replicas, 2);
    assert.deepEqual(decode.extraPodSpec.mainContainer.args, [
      ...COMMON_WORKER_ARGS,
      "--disaggregation-mode",
      "decode",
      "--kv-transfer-config",
      KV_TRANSFER,
      "--no-enable-prefix-caching",
    ]);
    assert.equal(decode.extraPodMetadata, undefined);
  });
});

describe("overrides", () => {
  test("RDMA can be turned off for clusters without InfiniBand", () => {
    const graph = graphOf(withConfig(disagg, { workers: { rdma: { enabled: false } } }));
    assert.deepEqual(graph.spec.services.VllmPrefillWorker.resources.limits, { gpu: "2" });
  });

  test("replicas, TP, image and memory fraction flow into the graph", () => {
    const graph = graphOf(
      withConfig(disagg, {
        graph: { image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0" },
        workers: { tensorParallelSize: 4, gpuMemoryUtilization: 0.925, prefill: { replicas: 2 }, decode: { replicas: 1 } },
      }),
    );
    const prefill = graph.spec.services.VllmPrefillWorker;
    assert.equal(prefill.replicas, 2);
    assert.equal(prefill.resources.requests?.gpu, "4");
    assert.equal(prefill.extraPodSpec.mainContainer.image, "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0");
    const args = prefill.extraPodSpec.mainContainer.args;
    assert.equal(args[args.indexOf("--tensor-parallel-size") + 1], "4");
    assert.equal(args[args.indexOf("--gpu-memory-utilization") + 1], "0.925");
  });
});

describe("the objects as a whole", () => {
  test("are applied storage first, then the download, then the graph, then the benchmark", () => {
    const kinds = objectsInApplyOrder(buildStackObjects(withConfig(agg, { hfToken: SECRET_SET }), RUN, SCRIPTS)).map((o) => o.kind);
    assert.deepEqual(kinds, [
      "PersistentVolumeClaim",
      "PersistentVolumeClaim",
      "PersistentVolumeClaim",
      "Secret",
      "Job",
      "DynamoGraphDeployment",
      "ConfigMap",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Job",
    ]);
  });

  test("write every quantity as a string, as Pulumi's Kubernetes types require", () => {
    const numbersUnder = (value: unknown, path: string, key: string): string[] => {
      if (Array.isArray(value)) return value.flatMap((v, i) => numbersUnder(v, `${path}[${i}]`, key));
      if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) =>
          numbersUnder(v, `${path}.${k}`, k === "resources" || key === "resources" ? "resources" : k),
        );
      }
      return key === "resources" && typeof value !== "string" ? [path] : [];
    };
    for (const config of [agg, disagg]) {
      assert.deepEqual(numbersUnder(buildStackObjects(config, RUN, SCRIPTS), "objects", ""), []);
    }
  });

  test("outputs name the frontend's in-cluster URL and a port-forward command", () => {
    assert.deepEqual(stackSummary(disagg, "disagg"), {
      namespace: "dynamo-bench",
      graphName: "disagg-router-6p-2d",
      frontendServiceName: "disagg-router-6p-2d-frontend",
      frontendUrl: "http://disagg-router-6p-2d-frontend.dynamo-bench.svc:8000",
      portForwardCommand: "kubectl -n dynamo-bench port-forward svc/disagg-router-6p-2d-frontend 8000:8000",
      pvcNames: ["model-cache", "compilation-cache", "perf-cache"],
      totalGpus: 16,
    });
    const withContext = stackSummary(withConfig(agg, { kubeContext: "h200" }), "agg");
    assert.equal(withContext.portForwardCommand, "kubectl --context=h200 -n dynamo-bench port-forward svc/agg-8xtp2-frontend 8000:8000");
  });
});

describe("an image that cannot run the workers", () => {
  test("vLLM workers in Dynamo's planner or frontend image are refused; mocker workers run there", () => {
    for (const image of ["nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.1", "registry.local:5000/mirror/dynamo-frontend:1.3.1"]) {
      assert.throws(
        () => parseStackConfig({ variant: "agg", graph: { image } }, "test"),
        /dynamo-bench:graph\.image: dynamo-(planner|frontend) holds no vLLM, .*use a vllm-runtime image .*or set workers\.engine to mocker/,
        image,
      );
      const mock = parseStackConfig({ variant: "agg", graph: { image }, workers: { engine: "mocker" } }, "test");
      assert.equal(mock.graph.image, image);
    }
    assert.equal(
      parseStackConfig({ variant: "agg", graph: { image: "registry.local:5000/vllm-runtime:1.3.1" } }, "test").workers.engine,
      "vllm",
    );
    assert.throws(
      () => parseStackConfig({ variant: "agg", graph: { image: "nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.1 " } }, "test"),
      (error: Error) => /must be an image reference/.test(error.message) && error.message.split("\n  - ").length === 2,
      "an image that is no reference gets that one message, and no other about the same image",
    );
  });
});

describe("the image's Dynamo version, as newer operators require it", () => {
  test("a tag without a semantic version is refused, unless graph.runtimeVersionOverride says the version", () => {
    for (const image of [
      "nvcr.io/nvidia/ai-dynamo/vllm-runtime:latest",
      "nvcr.io/nvidia/ai-dynamo/vllm-runtime",
      `registry.local/vllm@sha256:${"a".repeat(64)}`,
    ]) {
      assert.throws(
        () => parseStackConfig({ variant: "agg", graph: { image } }, "test"),
        /dynamo-bench:graph\.image: its tag holds no semantic version.*graph\.runtimeVersionOverride/,
        image,
      );
    }
    assert.throws(
      () => parseStackConfig({ variant: "agg", graph: { image: "vllm-runtime:99999999999999999999.0.0" } }, "test"),
      /graph\.image: its tag holds no semantic version/,
      "a version number past a uint64, which the operator's semver parser cannot hold",
    );
    for (const image of [
      "vllm-runtime:1.3.1",
      "vllm-runtime:v1.6.1",
      "vllm-runtime:1.4.0-rc1",
      `vllm-runtime:1.3.1@sha256:${"a".repeat(64)}`,
    ]) {
      assert.equal(
        graphOf(parseStackConfig({ variant: "agg", graph: { image, apiVersion: "v1alpha1" } }, "test")).spec.services.Frontend
          .runtimeVersionOverride,
        undefined,
        image,
      );
    }
  });

  test("with the override, every service carries it where the release's operator reads it; the override itself is strict semver", () => {
    const config = parseStackConfig(
      { variant: "disagg", graph: { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.4.0" } },
      "test",
    );
    for (const service of Object.values(graphOf(config).spec.services)) assert.equal(service.runtimeVersionOverride, "1.4.0");
    // Dynamo 1.3's operator has no such field (its CRD would drop it) and reads no version from the tag.
    const older = parseStackConfig(
      { variant: "disagg", graph: { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.3.1" } },
      "test",
    );
    for (const service of Object.values(graphOf(older).spec.services)) assert.equal(service.runtimeVersionOverride, undefined);
    assert.deepEqual(frontendArgs(older), ["--router-mode", "kv", "--router-reset-states"], "yet the override picks 1.3's flags");
    assert.throws(
      () => parseStackConfig({ variant: "agg", graph: { runtimeVersionOverride: "v1.3.1" } }, "test"),
      /graph\.runtimeVersionOverride: must be a version such as "1\.3\.1"/,
    );
    const disagreeing = parseStackConfig({ variant: "agg", graph: { runtimeVersionOverride: "1.4.0" } }, "test");
    assert.match(configWarnings(disagreeing).join("\n"), /graph\.runtimeVersionOverride is 1\.4\.0, but graph\.image's tag says 1\.3\.1/);
  });
});

describe("graph.apiVersion v1beta1: the same recipe as the storage version of Dynamo ≥ 1.5", () => {
  const beta = (config: StackConfig) =>
    buildStackObjects(withConfig(config, { graph: { apiVersion: "v1beta1" } }), RUN, SCRIPTS).dynamoGraph as DynamoGraphDeploymentV1beta1;

  test("valid against the operator's v1beta1 schema, with nothing it would drop", () => {
    for (const config of [agg, disagg]) {
      const graph = beta(config);
      assert.equal(graph.apiVersion, "nvidia.com/v1beta1");
      assert.deepEqual(dynamoGraphProblems(graph, stackRelease(config)), []);
    }
  });

  test("each service becomes a component of the same name, a prefill or decode worker gets that type", () => {
    const components = beta(disagg).spec!.components!;
    assert.deepEqual(
      components.map((c) => [c.name, c.type, c.replicas]),
      [
        ["Frontend", "frontend", 1],
        ["VllmDecodeWorker", "decode", 2],
        ["VllmPrefillWorker", "prefill", 6],
      ],
    );
    assert.deepEqual(
      beta(agg).spec!.components!.map((c) => [c.name, c.type, c.replicas]),
      [
        ["Frontend", "frontend", 1],
        ["VllmDecodeWorker", "decode", 8],
      ],
    );
  });

  test("the pod's main container carries the same engine, resources, Secret, environment and caches", () => {
    const alpha = graphOf(disagg).spec.services.VllmPrefillWorker;
    const prefill = beta(disagg).spec!.components!.find((c) => c.name === "VllmPrefillWorker")!;
    const [main] = prefill.podTemplate!.spec!.containers;
    assert.equal(main.name, "main");
    assert.equal(main.image, alpha.extraPodSpec.mainContainer.image);
    assert.deepEqual(main.command, ["python3", "-m", "dynamo.vllm"]);
    assert.deepEqual(main.args, alpha.extraPodSpec.mainContainer.args);
    assert.deepEqual(main.resources, { requests: { "nvidia.com/gpu": "2" }, limits: { "nvidia.com/gpu": "2", "rdma/ib": "2" } });
    assert.deepEqual(main.envFrom, [{ secretRef: { name: "hf-token-secret" } }]);
    assert.deepEqual(main.env, [
      { name: "DYN_HEALTH_CHECK_ENABLED", value: "false" },
      { name: "HF_HOME", value: HF_HOME },
    ]);
    assert.deepEqual(main.volumeMounts, [
      { name: "model-cache", mountPath: HF_HOME },
      { name: "compilation-cache", mountPath: "/home/dynamo/.cache/vllm" },
    ]);
    assert.equal(prefill.podTemplate!.spec!.volumes, undefined, "the operator adds a volume for each claim mounted");
    assert.deepEqual(prefill.compilationCache, { pvcName: "compilation-cache", mountPath: "/home/dynamo/.cache/vllm" });
    assert.deepEqual(prefill.podTemplate!.metadata, { annotations: alpha.extraPodMetadata!.annotations });
    const frontend = beta(disagg).spec!.components!.find((c) => c.name === "Frontend")!;
    assert.deepEqual(frontend.podTemplate!.spec!.containers[0].resources, { requests: { cpu: "8" }, limits: { cpu: "8" } });
    assert.deepEqual(frontend.podTemplate!.spec!.containers[0].env, [{ name: "HF_HOME", value: HF_HOME }]);
  });

  test("the pod waits, names and run id stay as in v1alpha1", () => {
    const graph = beta(agg);
    assert.deepEqual(graph.metadata, graphOf(agg).metadata);
  });
});
