/**
 * What each config key does, for the key table of docs/configuration.md, which
 * scripts/generate-config-docs.ts writes from the schema (keys, kinds, defaults) and these words.
 * A test fails when a key of the schema has none here, or a key here is not in the schema.
 */
export const KEY_DESCRIPTIONS: Record<string, string> = {
  variant: "`agg` or `disagg`",
  namespace: "an existing namespace, shared by both stacks",
  kubeContext:
    "kubeconfig context for both of the stack's providers (default: the current one); may be a secret (`--secret`): " +
    "then it stays one in the providers' state, and printed commands read it with `pulumi config get` instead of showing it",
  hfToken: "secret only (`pulumi config set --secret hfToken …`): the stack creates Secret `<graph>-hf-token` with key `HF_TOKEN`",
  hfTokenSecretName:
    "an existing Secret with key `HF_TOKEN`, used when `hfToken` is unset: " +
    "`hf-token-secret`, as the recipe, unless set (a DNS-1123 subdomain)",
  "storage.storageClassName": "storage class of the three PVCs (default: the cluster's)",
  "storage.accessMode": "`ReadWriteOnce` / `ReadWriteOncePod` warn at preview when the workers need more than one node",
  "storage.modelCacheSize":
    "size of the model-cache PVC: at least the model plus 5 GB of download headroom (Qwen3-32B's 65.5 GB: 66Gi; " +
    "another model: `model.weightsGB` + 5 GB), or 100Mi for mocker workers, which download only the tokenizer",
  "storage.compilationCacheSize": "size of the compilation-cache PVC",
  "storage.perfCacheSize": "size of the perf-cache PVC: traces and every run's artifacts",
  "model.name": "the Hugging Face repository",
  "model.revision": "a 40-character commit hash, never a branch",
  "model.layers": "Qwen3-32B's layers, for `simulate`'s cache capacity",
  "model.kvHeads": "its KV heads, for `simulate`",
  "model.headDim": "its head dimension, for `simulate`",
  "model.kvBytesPerElement": "bytes per KV element (bf16), for `simulate`",
  "model.weightsGB": "the weights' size in GB, for `simulate`",
  "modelDownload.image": "the download Job's image",
  "modelDownload.huggingfaceHubVersion": "pip pin of huggingface_hub",
  "modelDownload.backoffLimit": "retries of the download Job",
  "modelDownload.timeoutMinutes": "how long `pulumi up` waits for the download",
  "graph.name":
    "the DynamoGraphDeployment; its frontend Service is `<name>-frontend`. " +
    "Starts with a letter; at most 36 characters for disagg and 37 for agg (see below)",
  "graph.apiVersion":
    "the DynamoGraphDeployment's version, `v1alpha1` or `v1beta1`; unset, the storage version of the image's " +
    "Dynamo release: `v1alpha1` up to 1.4, `v1beta1` from 1.5 (see [Dynamo versions](reviewing.md#dynamo-versions))",
  "graph.image": "frontend and workers",
  "graph.runtimeVersionOverride":
    "the Dynamo version inside `graph.image` (strict semver, `1.3.1`): picks the release table, and is set on every " +
    "service where the release's operator reads it (1.4 on); required when the image's tag holds no version",
  "graph.readyTimeoutMinutes": "how long `pulumi up` waits for the graph to be Ready",
  "frontend.replicas": "frontend pods",
  "frontend.cpu": "the frontend's CPU request",
  "frontend.routerMode": "`round-robin`, `random` or `kv`; round-robin passes no `--router-mode`",
  "workers.engine":
    "`vllm`, the recipe's workers on GPUs, or `mocker`, Dynamo's mocker engine on CPU in their place, for a rehearsal " +
    "(see [Rehearse without GPUs](running.md#rehearse-without-gpus))",
  "workers.mocker.speedupRatio": "with `engine: mocker`: the mocker's `--speedup-ratio`; its engine time runs this many times faster",
  "workers.mocker.cpu": "with `engine: mocker`: each mocker worker's CPU request",
  "workers.mocker.memory": "with `engine: mocker`: each mocker worker's memory request and limit",
  "workers.tensorParallelSize": "GPUs per worker",
  "workers.gpuMemoryUtilization": "vLLM's `--gpu-memory-utilization`",
  "workers.blockSize": "vLLM's KV block size, in tokens",
  "workers.maxModelLen": "vLLM's `--max-model-len`",
  "workers.hfOverrides": "the recipe's YaRN rope scaling: JSON text, passed as is to `--hf-overrides`",
  "workers.rdma.enabled": "request RDMA devices for NIXL; turn off without InfiniBand",
  "workers.rdma.resourceName": "the RDMA device's extended resource",
  "workers.rdma.perWorker": "RDMA devices per worker",
  "workers.decode.replicas": "decode workers (agg: all its workers)",
  "workers.decode.kvEvents": "publish KV events, for a KV router that routes to them",
  "workers.prefill.replicas": "prefill workers (disagg only)",
  "workers.prefill.kvEvents": "publish KV events, which disagg's KV router routes by (disagg only)",
  "cluster.gpus": "replicas × TP over all workers must fit",
  "cluster.gpusPerNode": "TP must fit on one node",
  "cluster.gpuMemoryGB": "GPU memory (H200: 141), for `simulate`'s cache capacity",
  "benchmark.enabled": "`false` deploys the graph alone",
  "benchmark.runKey": "change it to run the benchmark again",
  "benchmark.image": "the benchmark Job's image",
  "benchmark.aiperfVersion": "aiperf, an exact version",
  "benchmark.summaryImage": "runs the bundled summarizer",
  "benchmark.traceUrl": "the commit-pinned conversation trace",
  "benchmark.traceSha256": "its sha256, checked before every run",
  "benchmark.cpu": "aiperf's CPU request (the recipe's 8)",
  "benchmark.cpuLimit": "aiperf's CPU limit (the recipe's 16); at least `benchmark.cpu`",
  "benchmark.memory": "aiperf's memory request (the recipe's 16Gi)",
  "benchmark.memoryLimit": "aiperf's memory limit (the recipe's 32Gi); at least `benchmark.memory`",
  "benchmark.goodput": "aiperf `--goodput` SLOs, in ms",
  "benchmark.fixedScheduleEndOffsetMs": "aiperf `--fixed-schedule-end-offset`, for a smoke run (default: the whole trace)",
  "benchmark.readyTimeoutMinutes": "how long the Job waits for the model to be listed",
  "benchmark.backoffLimit": "retries of the benchmark Job: a retried replay is another experiment",
  "benchmark.activeDeadlineMinutes": "the Job's deadline",
  "benchmark.wait": "whether `pulumi up` waits for the Job",
  "benchmark.waitTimeoutMinutes": "how long it waits; must exceed the deadline",
  "onDestroy.deleteModelCache": "let destroy delete model-cache and compilation-cache",
  "onDestroy.deleteResults": "let destroy delete perf-cache",
};
