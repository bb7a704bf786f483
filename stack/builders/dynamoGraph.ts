import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import type { IDynamoGraphDeployment } from "../schemas/dynamo/dynamographdeployment.v1alpha1";
import { type ConfiguredPool, type StackConfig, workerPools } from "../config/schema";
import { frontendServiceName, hfTokenSecretName, SERVICE_NAMES } from "../config/names";
import { AWAIT, minutesToSeconds, stackMeta } from "./metadata";
import { HF_HOME, modelSnapshotPath, VLLM_CACHE } from "./paths";
import { PVC_NAMES } from "./storage";
import { kvBytesPerToken, workerCapacityTokens } from "../../domain/kvCapacity";
import { stackRelease } from "../config/dynamoRelease";

type OperatorSpec = NonNullable<IDynamoGraphDeployment["spec"]>;
type OperatorService = NonNullable<OperatorSpec["services"]>[string];
type OperatorMainContainer = NonNullable<NonNullable<OperatorService["extraPodSpec"]>["mainContainer"]>;

/**
 * One service of the graph: the operator's own type (generated from its CRD), with the fields this
 * stack always sets made required, so that what it builds is checked against the CRD at compile time.
 */
export type DynamoService = OperatorService & {
  componentType: "frontend" | "worker";
  replicas: number;
  resources: NonNullable<OperatorService["resources"]>;
  extraPodSpec: NonNullable<OperatorService["extraPodSpec"]> & {
    mainContainer: OperatorMainContainer & { image: string; command: string[]; args: string[] };
  };
};

/** The DynamoGraphDeployment this stack builds, in the operator's v1alpha1 type. */
export type DynamoGraphDeployment = IDynamoGraphDeployment & {
  metadata: ObjectMeta;
  spec: OperatorSpec & { services: Record<string, DynamoService> };
};

export const FRONTEND_PORT = 8000;

/** Makes a worker serve its model card's files over HTTP; off by default up to Dynamo 1.4 at least. */
export const SELF_HOST_METADATA = "DYN_SELF_HOST_METADATA";

const KV_TRANSFER_CONFIG = { kv_connector: "NixlConnector", kv_role: "kv_both" };
const KV_EVENTS_CONFIG = {
  publisher: "zmq",
  topic: "kv-events",
  endpoint: "tcp://*:20080",
  enable_kv_cache_events: true,
};
const PROMETHEUS_ANNOTATIONS = {
  "prometheus.io/scrape": "true",
  "prometheus.io/port": "9400",
  "prometheus.io/path": "/metrics",
};

export function frontendUrl(config: StackConfig): string {
  return `http://${frontendServiceName(config)}.${config.namespace}.svc:${FRONTEND_PORT}`;
}

/** "0.90" as the recipe writes it, without losing precision such as 0.925. */
function fraction(value: number): string {
  return Number.isInteger(value * 100) ? value.toFixed(2) : String(value);
}

export function frontendArgs(config: StackConfig): string[] {
  const { routerMode } = config.frontend;
  const args = routerMode === "round-robin" ? [] : ["--router-mode", routerMode];
  // The recipe clears the router's saved state at start; Dynamo 1.4 removed saved state and the flag
  // with it (ai-dynamo/dynamo@bd126e06), and its frontend exits on a flag it does not know.
  if (stackRelease(config).components["dynamo.frontend"].flags["--router-reset-states"]) args.push("--router-reset-states");
  return args;
}

/**
 * A vLLM worker registers its model card with the files' paths in its own snapshot directory, which
 * the frontend opens on its own filesystem (lib/llm/src/local_model.rs `attach`, model_card.rs
 * `checked_file_uri`, ai-dynamo/dynamo@4cba833f): so the frontend mounts the model cache where the
 * workers do, read-only.
 */
function frontendService(config: StackConfig): DynamoService {
  const { replicas, cpu } = config.frontend;
  return {
    componentType: "frontend",
    replicas,
    envs: [{ name: "HF_HOME", value: HF_HOME }],
    resources: { requests: { cpu }, limits: { cpu } },
    extraPodSpec: {
      volumes: [{ name: PVC_NAMES.modelCache, persistentVolumeClaim: { claimName: PVC_NAMES.modelCache, readOnly: true } }],
      mainContainer: {
        image: config.graph.image,
        workingDir: "/workspace",
        command: ["python3", "-m", "dynamo.frontend"],
        args: frontendArgs(config),
        volumeMounts: [{ name: PVC_NAMES.modelCache, mountPath: HF_HOME, readOnly: true }],
      },
    },
  };
}

export function workerArgs(config: StackConfig, pool: ConfiguredPool): string[] {
  const { workers, model } = config;
  const disaggregated = workerPools(config).length > 1;
  // `python3 -m dynamo.vllm` fetches `--model` from the hub, at `main`, whenever it is not a local
  // path (`should_prefetch_model` is false only when `os.path.exists(config.model)`, and `fetch_model`
  // takes no revision: components/src/dynamo/vllm/main.py and common/model_fetch.py, ai-dynamo/dynamo @ 4cba833f).
  // So the workers load the pinned snapshot by its path, and are served under the model's name.
  const args = [
    "--model",
    modelSnapshotPath(model),
    "--served-model-name",
    model.name,
    "--tensor-parallel-size",
    String(workers.tensorParallelSize),
    "--no-enable-log-requests",
    "--gpu-memory-utilization",
    fraction(workers.gpuMemoryUtilization),
    "--async-scheduling",
    "--block-size",
    String(workers.blockSize),
    "--max-model-len",
    String(workers.maxModelLen),
    "--hf-overrides",
    workers.hfOverrides,
  ];
  if (disaggregated) {
    args.push("--disaggregation-mode", pool.role, "--kv-transfer-config", JSON.stringify(KV_TRANSFER_CONFIG));
    // Decode workers receive their KV cache from prefill over NIXL; a local prefix cache would only hold memory.
    if (pool.role === "decode") args.push("--no-enable-prefix-caching");
  }
  if (pool.kvEvents) args.push("--kv-events-config", JSON.stringify(KV_EVENTS_CONFIG));
  return args;
}

/**
 * Dynamo's mocker in place of vLLM (its flags: stack/schemas/dynamo/releases/): the same model, block size
 * and roles, and the KV capacity a GPU worker of this stack would have, as `simulate` reckons it,
 * so that the rehearsal routes and evicts as the real stack would. KV events need no flag: the
 * mocker publishes them on Dynamo's event plane.
 */
export function mockerArgs(config: StackConfig, pool: ConfiguredPool): string[] {
  const { workers, model } = config;
  const args = [
    "--model-path",
    modelSnapshotPath(model),
    "--model-name",
    model.name,
    "--block-size",
    String(workers.blockSize),
    "--num-gpu-blocks-override",
    String(Math.max(1, Math.floor(workerCapacityTokens(config) / workers.blockSize))),
    "--speedup-ratio",
    String(workers.mocker.speedupRatio),
    // The mocker's own reckoning takes hidden size / heads for the head dimension, which for
    // Qwen3-32B is 80, not its 128: the transfer time would be a third too short.
    "--kv-bytes-per-token",
    String(kvBytesPerToken(config)),
  ];
  if (workerPools(config).length > 1) {
    args.push("--disaggregation-mode", pool.role);
    if (pool.role === "decode") args.push("--no-enable-prefix-caching");
  }
  return args;
}

function mockerService(config: StackConfig, pool: ConfiguredPool): DynamoService {
  const { cpu, memory } = config.workers.mocker;
  return {
    componentType: "worker",
    subComponentType: pool.role,
    replicas: pool.replicas,
    envFromSecret: hfTokenSecretName(config),
    volumeMounts: [{ name: PVC_NAMES.modelCache, mountPoint: HF_HOME }],
    resources: { requests: { cpu, memory }, limits: { memory } },
    // The operator mounts 8Gi of memory at /dev/shm by default, which a mocker does not use.
    sharedMemory: { disabled: true },
    extraPodSpec: {
      mainContainer: {
        image: config.graph.image,
        workingDir: "/workspace",
        command: ["python3", "-m", "dynamo.mocker"],
        args: mockerArgs(config, pool),
        env: [
          { name: "HF_HOME", value: HF_HOME },
          // The tokenizer is in the model cache already; the hub is never asked.
          { name: "HF_HUB_OFFLINE", value: "1" },
          // The mocker's card names the model, not its path, so without this the frontend would fetch
          // the card's files from the hub at `main`; with it, the mocker serves them itself on the
          // system port the operator gives every worker (lib/llm/src/local_model.rs, ai-dynamo/dynamo@4cba833f).
          { name: SELF_HOST_METADATA, value: "1" },
        ],
      },
    },
  };
}

function workerService(config: StackConfig, pool: ConfiguredPool): DynamoService {
  if (config.workers.engine === "mocker") return mockerService(config, pool);
  const { workers } = config;
  const gpus = String(workers.tensorParallelSize);
  const custom = workers.rdma.enabled ? { custom: { [workers.rdma.resourceName]: String(workers.rdma.perWorker) } } : {};
  return {
    componentType: "worker",
    subComponentType: pool.role,
    replicas: pool.replicas,
    envFromSecret: hfTokenSecretName(config),
    volumeMounts: [
      { name: PVC_NAMES.modelCache, mountPoint: HF_HOME },
      { name: PVC_NAMES.compilationCache, mountPoint: VLLM_CACHE, useAsCompilationCache: true },
    ],
    resources: { requests: { gpu: gpus }, limits: { gpu: gpus, ...custom } },
    ...(pool.role === "prefill" && { extraPodMetadata: { annotations: PROMETHEUS_ANNOTATIONS } }),
    extraPodSpec: {
      mainContainer: {
        image: config.graph.image,
        workingDir: "/workspace",
        command: ["python3", "-m", "dynamo.vllm"],
        args: workerArgs(config, pool),
        env: [
          { name: "DYN_HEALTH_CHECK_ENABLED", value: "false" },
          { name: "HF_HOME", value: HF_HOME },
        ],
      },
    },
  };
}

export function buildDynamoGraph(config: StackConfig): DynamoGraphDeployment {
  const services: Record<string, DynamoService> = { [SERVICE_NAMES.frontend]: frontendService(config) };
  for (const pool of workerPools(config)) services[SERVICE_NAMES[pool.role]] = workerService(config, pool);
  const { runtimeVersionOverride } = config.graph;
  // Operators before the field (Dynamo 1.3) read no version at all: there the override only picks the release table.
  const operatorReadsIt = stackRelease(config).dynamoGraphDeployment.serviceFields.includes("runtimeVersionOverride");
  if (runtimeVersionOverride !== undefined && operatorReadsIt) {
    for (const service of Object.values(services)) service.runtimeVersionOverride = runtimeVersionOverride;
  }
  return {
    apiVersion: "nvidia.com/v1alpha1",
    kind: "DynamoGraphDeployment",
    metadata: stackMeta(config, config.graph.name, {
      // The operator reports both; `pulumi up` returns only when the graph serves.
      [AWAIT.waitFor]: JSON.stringify(["condition=Ready", "jsonpath={.status.state}=successful"]),
      [AWAIT.timeoutSeconds]: minutesToSeconds(config.graph.readyTimeoutMinutes),
    }),
    spec: {
      pvcs: [
        { name: PVC_NAMES.modelCache, create: false },
        { name: PVC_NAMES.compilationCache, create: false },
      ],
      services,
    },
  };
}
