import { z } from "zod";
import { UserError } from "../userError";
import { parseGoodput } from "../summary/goodput";
import { RECIPE_GOODPUT } from "../summary/recipeGoodput";

/** The Pulumi project name, and so the namespace of every config key (`dynamo-bench:<key>`). */
export const PROJECT = "dynamo-bench";

export const VARIANTS = ["agg", "disagg"] as const;
export type Variant = (typeof VARIANTS)[number];

export const ROUTER_MODES = ["round-robin", "random", "kv"] as const;
export type RouterMode = (typeof ROUTER_MODES)[number];

/** Stands in for the token in a validated config: the secret value itself never enters it. */
export const SECRET_SET = "[secret]";

const PLACEHOLDER_STORAGE_CLASS = /^your-|^<.*>$|^changeme$|^todo$/i;

/** An object schema that rejects unknown keys, naming the keys that are allowed. */
function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key; the keys allowed here are: ${allowed}` : undefined),
  });
}

const wholeNumber = (min: number) =>
  z.int({ error: `must be a whole number ≥ ${min}` }).min(min, { error: `must be a whole number ≥ ${min}` });

const storageQuantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, {
    error: 'must be a Kubernetes quantity such as "100Gi" or "500G"',
  });

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: "must be a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters",
  });

const storageClassName = z
  .string()
  .min(1)
  .refine((name) => !PLACEHOLDER_STORAGE_CLASS.test(name), {
    error: (issue) =>
      `"${String(issue.input)}" is the recipe's placeholder, not a storage class. ` +
      "Run `kubectl get storageclass` and set one of the names listed, or remove the key to use the cluster's default class",
  });

const storageSchema = strict({
  /** Unset: the cluster's default storage class. */
  storageClassName: storageClassName.optional(),
  /** ReadWriteMany, because the workers span two nodes. */
  accessMode: z.enum(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]).default("ReadWriteMany"),
  modelCacheSize: storageQuantity.default("100Gi"),
  compilationCacheSize: storageQuantity.default("50Gi"),
  perfCacheSize: storageQuantity.default("50Gi"),
});

const positive = z.number().gt(0, { error: "must be a number > 0" });

const modelSchema = strict({
  name: z.string().min(1).default("Qwen/Qwen3-32B"),
  revision: z
    .string()
    .regex(/^[0-9a-f]{40}$/, { error: "must be a 40-character commit hash: a branch or tag can move under you" })
    .default("9216db5781bf21249d130ec9da846c4624c16137"),
  /** The facts that size the KV cache, for `simulate`: Qwen3-32B in bf16. */
  layers: wholeNumber(1).default(64),
  kvHeads: wholeNumber(1).default(8),
  headDim: wholeNumber(1).default(128),
  kvBytesPerElement: wholeNumber(1).default(2),
  weightsGB: positive.default(65.6),
});

const modelDownloadSchema = strict({
  image: z.string().min(1).default("python:3.10-slim"),
  huggingfaceHubVersion: z.string().min(1).default("1.11.0"),
  hfTransferVersion: z.string().min(1).default("0.1.9"),
  backoffLimit: wholeNumber(0).default(3),
  /** 64 GB of weights; the provider's 10-minute default is too short. */
  timeoutMinutes: wholeNumber(1).default(120),
});

const frontendSchema = (defaultRouterMode: RouterMode) =>
  strict({
    replicas: wholeNumber(1).default(1),
    cpu: z.string().min(1).default("8"),
    /** round-robin passes no --router-mode, which is the frontend's own default. */
    routerMode: z.enum(ROUTER_MODES).default(defaultRouterMode),
  });

const workerPoolSchema = (defaults: { replicas: number; kvEvents: boolean }) =>
  strict({
    replicas: wholeNumber(1).default(defaults.replicas),
    /** Publish KV cache events over ZMQ, which the KV router needs. */
    kvEvents: z.boolean().default(defaults.kvEvents),
  });
export type WorkerPool = z.infer<ReturnType<typeof workerPoolSchema>>;

/** Kept as text: JSON.stringify would turn the recipe's factor 4.0 into 4, an int to Python, which transformers warns about. */
const RECIPE_HF_OVERRIDES =
  '{"rope_scaling":{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768},"max_position_embeddings":131072}';

/** Text that `accepts` approves; a parser that throws counts as a no. */
function textThat(accepts: (text: string) => boolean, error: string) {
  return z.string().refine(
    (text) => {
      try {
        return accepts(text);
      } catch {
        return false;
      }
    },
    { error },
  );
}

const jsonObjectText = textThat((text) => {
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null && !Array.isArray(value);
}, "must be a JSON object, written as text");

const rdmaSchema = strict({
  /** Off for clusters without InfiniBand. */
  enabled: z.boolean().default(true),
  resourceName: z.string().min(1).default("rdma/ib"),
  perWorker: wholeNumber(1).default(2),
});

interface VariantDefaults {
  graphName: string;
  routerMode: RouterMode;
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
    tensorParallelSize: wholeNumber(1).default(2),
    gpuMemoryUtilization: z
      .number()
      .gt(0, { error: "must be a fraction in (0, 1]" })
      .lte(1, { error: "must be a fraction in (0, 1]" })
      .default(0.9),
    blockSize: wholeNumber(1).default(64),
    maxModelLen: wholeNumber(1).default(131072),
    hfOverrides: jsonObjectText.default(RECIPE_HF_OVERRIDES),
    rdma: rdmaSchema.prefault({}),
    decode: workerPoolSchema(defaults.decode).prefault({}),
    prefill: defaults.prefill
      ? workerPoolSchema(defaults.prefill).prefault({})
      : z
          .undefined({ error: "an aggregated graph has no prefill workers; use variant: disagg for prefill/decode" })
          .optional(),
  });

const clusterSchema = strict({
  gpus: wholeNumber(1).default(16),
  gpusPerNode: wholeNumber(1).default(8),
  /** Memory of one GPU, for `simulate`: H200. */
  gpuMemoryGB: positive.default(141),
});

const graphSchema = (defaults: VariantDefaults) =>
  strict({
    name: dnsLabel.default(defaults.graphName),
    image: z.string().min(1).default("nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1"),
    readyTimeoutMinutes: wholeNumber(1).default(45),
  });

const MOONCAKE_CONVERSATION_TRACE =
  "https://raw.githubusercontent.com/kvcache-ai/Mooncake/3cca71daccf2a7afb8fe3f0295358f70e3a69fdb/FAST25-release/traces/conversation_trace.jsonl";

const goodputText = textThat(
  (text) => Object.keys(parseGoodput(text)).length > 0,
  'must be aiperf --goodput SLOs: "metric:threshold" pairs, such as "time_to_first_token:1000 inter_token_latency:30"',
);

const benchmarkSchema = strict({
  /** Off: deploy the graph without running the benchmark. */
  enabled: z.boolean().default(true),
  /** Change it (any new value) to run the benchmark again; each run writes to a new directory. */
  runKey: z.string().min(1).default("1"),
  image: z.string().min(1).default("python:3.11"),
  aiperfVersion: z
    .string()
    .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'must be an exact version such as "0.13.0", never a range or "latest"' })
    .default("0.13.0"),
  /** Runs the summarizer beside aiperf. */
  summaryImage: z.string().min(1).default("node:20-bookworm-slim"),
  traceUrl: z.url({ error: "must be a URL" }).default(MOONCAKE_CONVERSATION_TRACE),
  traceSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: "must be a sha256 digest: 64 lower-case hex characters" })
    .default("b8cbb061a85206d729d91cdc2981f43c9e0d99209dce588d3af5f7934408b9df"),
  goodput: goodputText.default(RECIPE_GOODPUT),
  /** Replay only the first N ms of the trace (aiperf --fixed-schedule-end-offset), for a smoke run. */
  fixedScheduleEndOffsetMs: wholeNumber(1).optional(),
  /** How long the Job waits for the model to be listed at the frontend. */
  readyTimeoutMinutes: wholeNumber(1).default(30),
  /** A retried replay is a different experiment, so none by default. */
  backoffLimit: wholeNumber(0).default(0),
  /** The trace lasts 59 minutes, and a killed aiperf writes no summary. */
  activeDeadlineMinutes: wholeNumber(1).default(180),
  /** Off: `pulumi up` returns once the Job is created. */
  wait: z.boolean().default(true),
  /** How long `pulumi up` waits for the Job: beyond the run. */
  waitTimeoutMinutes: wholeNumber(1).default(240),
});

const onDestroySchema = strict({
  /** Delete the model-cache and compilation-cache PVCs on destroy. */
  deleteModelCache: z.boolean().default(false),
  /** Delete the perf-cache PVC, which holds every benchmark run, on destroy. */
  deleteResults: z.boolean().default(false),
});

function stackSchema(variant: Variant) {
  const defaults = VARIANT_DEFAULTS[variant];
  return strict({
    variant: z.literal(variant),
    namespace: dnsLabel.default("dynamo-bench"),
    /** kubeconfig context; unset: the current context. */
    kubeContext: z.string().min(1).optional(),
    hfToken: z.literal(SECRET_SET).optional(),
    hfTokenSecretName: dnsLabel.optional(),
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
    if (gpus > config.cluster.gpus) {
      const breakdown = pools
        .map((pool) => `${pool.role} ${pool.replicas} × TP ${config.workers.tensorParallelSize}`)
        .join(" + ");
      ctx.addIssue({
        code: "custom",
        path: ["workers"],
        message: `the workers need ${gpus} GPUs (${breakdown}) but cluster.gpus is ${config.cluster.gpus}; lower the replicas or raise cluster.gpus`,
      });
    }
    if (config.workers.tensorParallelSize > config.cluster.gpusPerNode) {
      ctx.addIssue({
        code: "custom",
        path: ["workers", "tensorParallelSize"],
        message: `a worker's ${config.workers.tensorParallelSize} GPUs must fit on one node, which has ${config.cluster.gpusPerNode} (cluster.gpusPerNode)`,
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
    if (benchmark.enabled && benchmark.wait && benchmark.waitTimeoutMinutes <= benchmark.activeDeadlineMinutes) {
      ctx.addIssue({
        code: "custom",
        path: ["benchmark", "waitTimeoutMinutes"],
        message: `must exceed benchmark.activeDeadlineMinutes (${benchmark.activeDeadlineMinutes}), or \`pulumi up\` gives up before the run ends`,
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

export type StackConfig = z.infer<ReturnType<typeof stackSchema>>;

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

/** A config a user must fix; its message names every field at fault. */
export class ConfigError extends UserError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid config in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function fieldPath(path: PropertyKey[]): string {
  return `${PROJECT}:${path.map(String).join(".")}`;
}

/**
 * Validates the `dynamo-bench:*` keys of a stack (with the namespace prefix removed).
 * Throws a ConfigError that names each field at fault and what it allows.
 */
export function parseStackConfig(raw: Record<string, unknown>, source: string): StackConfig {
  const variant = z.enum(VARIANTS).safeParse(raw.variant);
  if (!variant.success) {
    const got = raw.variant === undefined ? "it is not set" : `got ${JSON.stringify(raw.variant)}`;
    throw new ConfigError(source, [`${fieldPath(["variant"])}: must be "agg" or "disagg" (${got})`]);
  }
  const parsed = stackSchema(variant.data).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => `${fieldPath([...issue.path, key])}: ${issue.message}`)
        : [`${fieldPath(issue.path)}: ${issue.message}`],
    );
    throw new ConfigError(source, problems);
  }
  return parsed.data;
}

/** Choices that are valid but risky: shown at preview and by render, never fatal. */
export function configWarnings(config: StackConfig): string[] {
  const warnings: string[] = [];
  const gpus = totalGpus(config);
  const { accessMode } = config.storage;
  if (accessMode !== "ReadWriteMany" && gpus > config.cluster.gpusPerNode) {
    warnings.push(
      `${fieldPath(["storage", "accessMode"])} is ${accessMode}, but the workers need ${gpus} GPUs, more than one node's ` +
        `${config.cluster.gpusPerNode}: pods on a second node cannot mount the caches (Multi-Attach error, pods stuck Pending ` +
        "or ContainerCreating). Use ReadWriteMany with a storage class that supports it (NFS, CephFS, Lustre), " +
        "or fit the workers on one node.",
    );
  }
  return warnings;
}
