import { z } from "zod";
import { parseGoodput } from "../../domain/slos";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { flag, minutes, positiveNumber, text, textEnum, textThat, wholeNumber } from "./fields";
import { followsNameRule, isExtendedResourceName, isImageReference, isPositiveQuantity, nameRuleText } from "./kubernetesRules";
import { imageTagHasVersion, imageTagVersion, isOverrideVersion } from "./runtimeVersion";
import { releaseWarnings, unsupportedVersionProblem } from "./dynamoRelease";
import {
  AIPERF_VERSIONS_READ,
  MOCKER_MODEL_CACHE_BYTES,
  MODEL_CACHE_HEADROOM_GB,
  MOONCAKE_CONVERSATION_TRACE,
  PINNED_MODEL_DOWNLOAD_GB,
  PINS,
} from "../../domain/pins";
import { compareQuantities, quantityValue } from "../../lib/quantity";

/** The Pulumi project name, and so the namespace of every config key (`dynamo-bench:<key>`). */
export const PROJECT = "dynamo-bench";

import { ROUTING_POLICIES, VARIANTS, type RoutingPolicy, type Variant } from "../../domain/variants";
export { VARIANTS, type Variant };

/** Stands in for the token in a validated config: the secret value itself never enters it. */
export const SECRET_SET = "[secret]";

/** Keys that may be stored as secrets. Any other value ends up in plain text in objects or outputs. */
export const SECRET_KEYS = ["hfToken", "kubeContext"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

const PLACEHOLDER_STORAGE_CLASS = /^your-|^<.*>$|^changeme$|^todo$/i;

function isHttpUrl(value: string): boolean {
  const url = new URL(value);
  return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "" && !/\s/.test(value);
}

/** An object schema that rejects unknown keys, naming the keys that are allowed. */
function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return `unknown key; the keys allowed here are: ${allowed}`;
      if (issue.code === "invalid_type") return `must be a map of settings (got ${describe(issue.input)})`;
      return undefined;
    },
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string"
    ? `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    : `a ${typeof value}`;
}

const storageQuantity = textThat(64, isPositiveQuantity, 'must be a Kubernetes quantity > 0, such as "100Gi" or "500G"');
const cpuQuantity = textThat(64, isPositiveQuantity, 'must be a CPU quantity > 0, such as "8" or "500m"');
const dnsLabel = textThat(63, (name) => followsNameRule("dns1123Label", name), `must be ${nameRuleText("dns1123Label")}`);
const dnsSubdomain = textThat(253, (name) => followsNameRule("dns1123Subdomain", name), `must be ${nameRuleText("dns1123Subdomain")}`);
const image = textThat(
  512,
  isImageReference,
  'must be an image reference such as "python:3.11" or "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1": ' +
    "no spaces, a lower-case repository, an optional :tag and @digest",
);
/** A pip pin: an exact release, never a range. */
const exactVersion = textThat(
  64,
  (version) => /^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$/.test(version),
  'must be an exact version such as "0.13.0", never a range or "latest"',
);

const storageClassName = textThat(
  253,
  (name) => !PLACEHOLDER_STORAGE_CLASS.test(name) && followsNameRule("dns1123Subdomain", name),
  (name) =>
    PLACEHOLDER_STORAGE_CLASS.test(name)
      ? `"${name}" is the recipe's placeholder, not a storage class. ` +
        "Run `kubectl get storageclass` and set one of the names listed, or remove the key to use the cluster's default class"
      : `must be a storage class name, ${nameRuleText("dns1123Subdomain")}; \`kubectl get storageclass\` lists yours`,
);

const storageSchema = strict({
  /** Unset: the cluster's default storage class. */
  storageClassName: storageClassName.optional(),
  /** ReadWriteMany, because the workers span two nodes. */
  accessMode: textEnum(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]).default("ReadWriteMany"),
  modelCacheSize: storageQuantity.default("100Gi"),
  compilationCacheSize: storageQuantity.default("50Gi"),
  perfCacheSize: storageQuantity.default("50Gi"),
});

/**
 * A Hugging Face repository id, "owner/name", as huggingface_hub's validate_repo_id allows
 * (huggingface_hub/utils/_validators.py): letters, digits, '-', '_' and '.', no "--" or "..".
 */
const huggingFaceRepo = textThat(
  96,
  (name) => /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(name) && !/--|\.\./.test(name) && !/[.-]$/.test(name),
  'must be a Hugging Face repository id such as "Qwen/Qwen3-32B"',
);

const modelSchema = strict({
  name: huggingFaceRepo.default(PINS.model),
  revision: textThat(
    40,
    (revision) => /^[0-9a-f]{40}$/.test(revision),
    "must be a 40-character commit hash: a branch or tag can move under you",
  ).default(PINS.modelRevision),
  /** The facts that size the KV cache, for `simulate`: Qwen3-32B in bf16. */
  layers: wholeNumber(1).default(64),
  kvHeads: wholeNumber(1).default(8),
  headDim: wholeNumber(1).default(128),
  kvBytesPerElement: wholeNumber(1).default(2),
  weightsGB: positiveNumber(1e6).default(65.6),
});

const modelDownloadSchema = strict({
  image: image.default(PINS.modelDownloadImage),
  huggingfaceHubVersion: exactVersion.default(PINS.huggingfaceHub),
  /** Gone: huggingface_hub 1.x ignores hf_transfer; a stack file that still sets it is told so. */
  hfTransferVersion: z
    .undefined({ error: "huggingface_hub 1.x no longer uses hf_transfer, so nothing installs it any more: remove this key" })
    .optional(),
  backoffLimit: wholeNumber(0).default(3),
  /** 64 GB of weights; the provider's 10-minute default is too short. */
  timeoutMinutes: minutes().default(120),
});

const frontendSchema = (defaultRouterMode: RoutingPolicy) =>
  strict({
    replicas: wholeNumber(1).default(1),
    cpu: cpuQuantity.default("8"),
    /** round-robin passes no --router-mode, which is the frontend's own default. */
    routerMode: textEnum(ROUTING_POLICIES).default(defaultRouterMode),
  });

const workerPoolSchema = (defaults: { replicas: number; kvEvents: boolean }) =>
  strict({
    replicas: wholeNumber(1).default(defaults.replicas),
    /** Publish KV cache events over ZMQ, which the KV router needs. */
    kvEvents: flag().default(defaults.kvEvents),
  });
export type WorkerPool = z.infer<ReturnType<typeof workerPoolSchema>>;

/** Kept as text: JSON.stringify would turn the recipe's factor 4.0 into 4, an int to Python, which transformers warns about. */
const RECIPE_HF_OVERRIDES =
  '{"rope_scaling":{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768},"max_position_embeddings":131072}';

const jsonObjectText = textThat(
  8192,
  (value) => {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  },
  "must be a JSON object, written as text",
);

export const WORKER_ENGINES = ["vllm", "mocker"] as const;

/** Dynamo's mocker in place of vLLM: the same graph with no GPU, for a rehearsal. */
const mockerSchema = strict({
  /** The mocker's --speedup-ratio: its simulated engine time runs this many times faster than real. */
  speedupRatio: positiveNumber(1e6).default(1),
  /** Each mocker worker's CPU and memory: it only keeps time and tokenizes. */
  cpu: cpuQuantity.default("100m"),
  memory: storageQuantity.default("512Mi"),
});

const rdmaSchema = strict({
  /** Off for clusters without InfiniBand. */
  enabled: flag().default(true),
  resourceName: textThat(
    317,
    isExtendedResourceName,
    'must be an extended resource name such as "rdma/ib" or "nvidia.com/hostdev": ' +
      "a lower-case domain prefix outside kubernetes.io, '/', and a name",
  ).default("rdma/ib"),
  perWorker: wholeNumber(1).default(2),
});

interface VariantDefaults {
  graphName: string;
  routerMode: RoutingPolicy;
  decode: { replicas: number; kvEvents: boolean };
  prefill?: { replicas: number; kvEvents: boolean };
}

const VARIANT_DEFAULTS: Record<Variant, VariantDefaults> = {
  agg: { graphName: "agg-8xtp2", routerMode: "round-robin", decode: { replicas: 8, kvEvents: false } },
  disagg: {
    graphName: "disagg-router-6p-2d",
    routerMode: "kv",
    decode: { replicas: 2, kvEvents: false },
    prefill: { replicas: 6, kvEvents: true },
  },
};

const workersSchema = (defaults: VariantDefaults) =>
  strict({
    /** vllm: the recipe's workers, on GPUs. mocker: Dynamo's mocker engine, on CPU, for a rehearsal. */
    engine: textEnum(WORKER_ENGINES).default("vllm"),
    mocker: mockerSchema.prefault({}),
    tensorParallelSize: wholeNumber(1).default(2),
    gpuMemoryUtilization: positiveNumber(1).default(0.9),
    blockSize: wholeNumber(1).default(64),
    maxModelLen: wholeNumber(1).default(131072),
    hfOverrides: jsonObjectText.default(RECIPE_HF_OVERRIDES),
    rdma: rdmaSchema.prefault({}),
    decode: workerPoolSchema(defaults.decode).prefault({}),
    prefill: defaults.prefill
      ? workerPoolSchema(defaults.prefill).prefault({})
      : z.undefined({ error: "an aggregated graph has no prefill workers; use variant: disagg for prefill/decode" }).optional(),
  });

const clusterSchema = strict({
  gpus: wholeNumber(1).default(16),
  gpusPerNode: wholeNumber(1).default(8),
  /** Memory of one GPU, for `simulate`: H200. */
  gpuMemoryGB: positiveNumber(1e6).default(141),
});

const graphSchema = (defaults: VariantDefaults) =>
  strict({
    /** Also checked against every name the stack and the operator derive from it (stackConfig.ts). */
    name: textThat(
      63,
      (name) => followsNameRule("dns1035Label", name),
      `must be ${nameRuleText("dns1035Label")}, since the operator names the frontend's Service after it`,
    ).default(defaults.graphName),
    /** Unset: the storage version of the graph's Dynamo release (stackConfig.ts fills it in). */
    apiVersion: textEnum(["v1alpha1", "v1beta1"]).optional(),
    image: image.default(PINS.dynamoImage),
    /** The Dynamo version inside graph.image, for an image whose tag does not say it. */
    runtimeVersionOverride: textThat(
      64,
      isOverrideVersion,
      'must be a version such as "1.3.1", as the operator\'s CRD takes it: three numbers, no "v", no suffix',
    ).optional(),
    readyTimeoutMinutes: minutes().default(45),
  });

const goodputText = textThat(
  1024,
  (value) => Object.keys(parseGoodput(value)).length > 0,
  (value) => {
    // parseGoodput's reason gives the form and an example itself; the general one is for when it gives none.
    try {
      parseGoodput(value);
    } catch (error) {
      return `must be aiperf --goodput SLOs: ${(error as Error).message.replace(/^--goodput: /, "")}`;
    }
    return 'must be aiperf --goodput SLOs: "metric:threshold" pairs, such as "time_to_first_token:2000 inter_token_latency:25"';
  },
);

const benchmarkSchema = strict({
  /** Off: deploy the graph without running the benchmark. */
  enabled: flag().default(true),
  /** Change it (any new value) to run the benchmark again; each run writes to a new directory. */
  runKey: text(253).default("1"),
  image: image.default(PINS.benchmarkImage),
  aiperfVersion: exactVersion.default(PINS.aiperf),
  /** Runs the summarizer beside aiperf. */
  summaryImage: image.default(PINS.summaryImage),
  traceUrl: textThat(2048, isHttpUrl, "must be an http:// or https:// URL").default(MOONCAKE_CONVERSATION_TRACE),
  traceSha256: textThat(64, (digest) => /^[0-9a-f]{64}$/.test(digest), "must be a sha256 digest: 64 lower-case hex characters").default(
    PINS.traceSha256,
  ),
  goodput: goodputText.default(RECIPE_GOODPUT),
  /** aiperf's container, as the recipe sizes it; a rehearsal on a laptop-sized cluster asks for less. */
  cpu: cpuQuantity.default("8"),
  cpuLimit: cpuQuantity.default("16"),
  memory: storageQuantity.default("16Gi"),
  memoryLimit: storageQuantity.default("32Gi"),
  /** Replay only the first N ms of the trace (aiperf --fixed-schedule-end-offset), for a smoke run. */
  fixedScheduleEndOffsetMs: wholeNumber(1).optional(),
  /** How long the Job waits for the model to be listed at the frontend. */
  readyTimeoutMinutes: minutes().default(30),
  /** A retried replay is a different experiment, so none by default. */
  backoffLimit: wholeNumber(0).default(0),
  /** The trace lasts 59 minutes, and a killed aiperf writes no summary. */
  activeDeadlineMinutes: minutes().default(180),
  /** Off: `pulumi up` returns once the Job is created. */
  wait: flag().default(true),
  /** How long `pulumi up` waits for the Job: beyond the run. */
  waitTimeoutMinutes: minutes().default(240),
});

const onDestroySchema = strict({
  /** Delete the model-cache and compilation-cache PVCs on destroy. */
  deleteModelCache: flag().default(false),
  /** Delete the perf-cache PVC, which holds every benchmark run, on destroy. */
  deleteResults: flag().default(false),
});

function buildStackSchema(variant: Variant) {
  const defaults = VARIANT_DEFAULTS[variant];
  return strict({
    variant: z.literal(variant),
    namespace: dnsLabel.default("dynamo-bench"),
    /** kubeconfig context; unset: the current context. */
    kubeContext: text(1024).optional(),
    hfToken: z.literal(SECRET_SET).optional(),
    hfTokenSecretName: dnsSubdomain.optional(),
    storage: storageSchema.prefault({}),
    model: modelSchema.prefault({}),
    modelDownload: modelDownloadSchema.prefault({}),
    graph: graphSchema(defaults).prefault({}),
    frontend: frontendSchema(defaults.routerMode).prefault({}),
    workers: workersSchema(defaults).prefault({}),
    cluster: clusterSchema.prefault({}),
    benchmark: benchmarkSchema.prefault({}),
    onDestroy: onDestroySchema.prefault({}),
  }).superRefine((config, ctx) => {
    const pools = workerPools(config);
    const gpus = totalGpus(config);
    if (gpus > config.cluster.gpus && config.workers.engine === "vllm") {
      const breakdown = pools
        .map((pool) => `workers.${pool.role}.replicas ${pool.replicas} × workers.tensorParallelSize ${config.workers.tensorParallelSize}`)
        .join(" + ");
      ctx.addIssue({
        code: "custom",
        path: ["workers"],
        message:
          `the workers need ${gpus} GPUs (${breakdown}) but cluster.gpus is ${config.cluster.gpus}; ` +
          "lower the replicas or raise cluster.gpus",
      });
    }
    if (config.workers.tensorParallelSize > config.cluster.gpusPerNode && config.workers.engine === "vllm") {
      ctx.addIssue({
        code: "custom",
        path: ["workers", "tensorParallelSize"],
        message:
          `a worker's ${config.workers.tensorParallelSize} GPUs must fit on one node, ` +
          `which has ${config.cluster.gpusPerNode} (cluster.gpusPerNode)`,
      });
    }
    if (config.cluster.gpusPerNode > config.cluster.gpus) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "gpusPerNode"],
        message: `must not exceed cluster.gpus (${config.cluster.gpus})`,
      });
    }
    const routed = pools[0];
    if (config.frontend.routerMode === "kv" && !routed.kvEvents) {
      ctx.addIssue({
        code: "custom",
        path: ["workers", routed.role, "kvEvents"],
        message: `the KV router (frontend.routerMode: kv) needs KV events from the ${routed.role} workers it routes to; set it to true`,
      });
    }
    const { benchmark } = config;
    // The API server refuses a container whose request exceeds its limit, after the download and the graph's wait.
    for (const [request, limit] of [
      ["cpu", "cpuLimit"],
      ["memory", "memoryLimit"],
    ] as const) {
      if (benchmark.enabled && (compareQuantities(benchmark[request], benchmark[limit]) ?? 0) > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["benchmark", request],
          message:
            `${JSON.stringify(benchmark[request])} is more than benchmark.${limit} (${JSON.stringify(benchmark[limit])}), ` +
            `and Kubernetes refuses a container that requests more than its limit: lower benchmark.${request} or raise benchmark.${limit}`,
        });
      }
    }
    if (benchmark.enabled && benchmark.wait && benchmark.waitTimeoutMinutes <= benchmark.activeDeadlineMinutes) {
      ctx.addIssue({
        code: "custom",
        path: ["benchmark", "waitTimeoutMinutes"],
        message:
          `must exceed benchmark.activeDeadlineMinutes (${benchmark.activeDeadlineMinutes}), ` +
          "or `pulumi up` gives up before the run ends",
      });
    }
    // An image that is no reference at all has its own message; nothing more is said of it.
    const validImage = isImageReference(config.graph.image);
    const imageName = config.graph.image.split("@")[0].split("/").at(-1)!.split(":")[0];
    if (validImage && config.workers.engine === "vllm" && (imageName === "dynamo-planner" || imageName === "dynamo-frontend")) {
      ctx.addIssue({
        code: "custom",
        path: ["graph", "image"],
        message:
          `${imageName} holds no vLLM, so vLLM workers cannot start in it: use a vllm-runtime image ` +
          `(such as ${PINS.dynamoImage}), or set workers.engine to mocker`,
      });
    }
    if (validImage && !imageTagHasVersion(config.graph.image) && config.graph.runtimeVersionOverride === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["graph", "image"],
        message:
          "its tag holds no semantic version, so newer Dynamo operators refuse the graph: use a versioned tag " +
          "(such as nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1), or set graph.runtimeVersionOverride to the Dynamo version the image runs",
      });
    }
    const unsupported = validImage ? unsupportedVersionProblem(config.graph) : undefined;
    if (unsupported) {
      ctx.addIssue({
        code: "custom",
        path: ["graph", config.graph.runtimeVersionOverride === undefined ? "image" : "runtimeVersionOverride"],
        message: unsupported,
      });
    }
    const cacheProblem = modelCacheProblem(config);
    if (cacheProblem) ctx.addIssue({ code: "custom", path: ["storage", "modelCacheSize"], message: cacheProblem });
    if (config.storage.accessMode === "ReadWriteOncePod") {
      ctx.addIssue({
        code: "custom",
        path: ["storage", "accessMode"],
        message:
          "ReadWriteOncePod lets one pod mount a claim, but the frontend, every worker and both Jobs mount the model cache: " +
          "use ReadWriteMany, or ReadWriteOnce to keep everything on one node",
      });
    }
    if (config.hfToken !== undefined && config.hfTokenSecretName !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hfTokenSecretName"],
        message: "set either hfToken (the stack creates the Secret) or hfTokenSecretName (an existing Secret), not both",
      });
    }
  });
}

/**
 * Why the model cache cannot hold what the download Job writes into it, or undefined. vLLM workers need the
 * whole model: the pinned one's known size, another's `model.weightsGB`, plus the download's headroom. A
 * mocker reads only the tokenizer and config files. A cache too small fails the download after it has run for long.
 */
function modelCacheProblem(config: {
  storage: { modelCacheSize: string };
  model: { name: string; weightsGB: number };
  workers: { engine: string };
}): string | undefined {
  const size = config.storage.modelCacheSize;
  const pinned = config.model.name === PINS.model;
  const needed =
    config.workers.engine === "mocker"
      ? MOCKER_MODEL_CACHE_BYTES
      : Math.ceil(((pinned ? PINNED_MODEL_DOWNLOAD_GB : config.model.weightsGB) + MODEL_CACHE_HEADROOM_GB) * 1e9);
  if ((compareQuantities(size, String(needed)) ?? 0) >= 0) return undefined;
  const given = `${JSON.stringify(size)} (${formatBytes(quantityValue(size) ?? 0)})`;
  const unit = needed >= 2 ** 30 ? { suffix: "Gi", bytes: 2 ** 30 } : { suffix: "Mi", bytes: 2 ** 20 };
  const atLeast = `give at least ${Math.ceil(needed / unit.bytes)}${unit.suffix}`;
  if (config.workers.engine === "mocker") {
    return `${given} cannot hold the tokenizer and config files a mocker's download writes, with room to spare; ${atLeast}`;
  }
  const what = pinned
    ? `${PINS.model}'s weights, about ${PINNED_MODEL_DOWNLOAD_GB} GB`
    : `${config.model.name}'s weights, ${config.model.weightsGB} GB by model.weightsGB (set it to the model's size)`;
  return `${given} cannot hold ${what}, and the download needs ${MODEL_CACHE_HEADROOM_GB} GB more (Xet's shard cache); ${atLeast}`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9
    ? `${Number((bytes / 1e9).toPrecision(3))} GB`
    : bytes >= 1e6
      ? `${Number((bytes / 1e6).toPrecision(3))} MB`
      : `${bytes} bytes`;
}

const stackSchemas = new Map<Variant, ReturnType<typeof buildStackSchema>>();

/** The stack config's schema for a variant: built once, since zod's schema objects are costly to build and never change. */
export function stackSchema(variant: Variant): ReturnType<typeof buildStackSchema> {
  const schema = stackSchemas.get(variant) ?? buildStackSchema(variant);
  stackSchemas.set(variant, schema);
  return schema;
}

type ParsedConfig = z.infer<ReturnType<typeof stackSchema>>;

export type StackConfig = Omit<ParsedConfig, "graph"> & {
  /** apiVersion set: given, or the storage version of the graph's Dynamo release. */
  graph: ParsedConfig["graph"] & { apiVersion: "v1alpha1" | "v1beta1" };
  /** The keys stored as secrets: their values never show in an output or a printed command. */
  secretKeys: readonly SecretKey[];
};

export interface ConfiguredPool extends WorkerPool {
  role: "prefill" | "decode";
}

/** The worker pools in routing order: the first is the one the frontend routes requests to. */
export function workerPools(config: Pick<StackConfig, "workers">): ConfiguredPool[] {
  const { prefill, decode } = config.workers;
  const decodePool: ConfiguredPool = { role: "decode", ...decode };
  return prefill ? [{ role: "prefill", ...prefill }, decodePool] : [decodePool];
}

/** GPUs the workers request: replicas × tensor parallel size, over every pool. */
export function totalGpus(config: Pick<StackConfig, "workers">): number {
  return workerPools(config).reduce((sum, pool) => sum + pool.replicas * config.workers.tensorParallelSize, 0);
}

/** A key as the user writes it: `dynamo-bench:workers.decode.replicas`. */
export function configKey(path: readonly PropertyKey[]): string {
  return `${PROJECT}:${path.map(String).join(".")}`;
}

/** Choices that are valid but risky: shown at preview and by render, never fatal. */
export function configWarnings(config: StackConfig): string[] {
  const warnings: string[] = [];
  warnings.push(...releaseWarnings(config, configKey));
  const { aiperfVersion } = config.benchmark;
  const fullVersion = aiperfVersion.split(".").length === 2 ? `${aiperfVersion}.0` : aiperfVersion;
  if (config.benchmark.enabled && !AIPERF_VERSIONS_READ.includes(fullVersion)) {
    warnings.push(
      `${configKey(["benchmark", "aiperfVersion"])} is ${aiperfVersion}, whose artifact files were not read from its source here ` +
        `(read: ${AIPERF_VERSIONS_READ.join(", ")}): the summary relies on its files having the same shape. Check one run's summary.`,
    );
  }
  const gpus = totalGpus(config);
  const { accessMode } = config.storage;
  const tagged = imageTagVersion(config.graph.image);
  const override = config.graph.runtimeVersionOverride;
  if (override !== undefined && tagged !== undefined && tagged !== override) {
    warnings.push(
      `${configKey(["graph", "runtimeVersionOverride"])} is ${override}, but graph.image's tag says ${tagged}: ` +
        "the operator takes the override as the Dynamo version inside the image. Remove it if the tag is right.",
    );
  }
  // Mocker workers hold no GPU: a rehearsal's caches on one node are its usual case, on kind or minikube.
  if (accessMode !== "ReadWriteMany" && config.workers.engine === "vllm" && gpus > config.cluster.gpusPerNode) {
    warnings.push(
      `${configKey(["storage", "accessMode"])} is ${accessMode}, but the workers need ${gpus} GPUs, more than one node's ` +
        `${config.cluster.gpusPerNode}: pods on a second node cannot mount the caches (Multi-Attach error, pods stuck Pending ` +
        "or ContainerCreating). Use ReadWriteMany with a storage class that supports it (NFS, CephFS, Lustre), " +
        "or fit the workers on one node.",
    );
  }
  return warnings;
}
