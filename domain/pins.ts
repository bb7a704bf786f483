/**
 * Every version the stack pins, in one place. The schema's defaults are these; docs/configuration.md
 * states them, and a test checks that it does. Change a pin here, then refresh the committed manifests.
 */
export const PINS = {
  /** Dynamo's vLLM runtime, as the recipe deploys it (frontend and workers). */
  dynamoImage: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1",
  /**
   * The mock stacks' frontend and mocker workers: Dynamo's CPU-only planner image, which holds the
   * ai-dynamo wheels and no CUDA, and which Dynamo's own mocker deployments run
   * (ai-dynamo/dynamo@4cba833f examples/backends/mocker/deploy/agg.yaml; published for 1.3.1:
   * @c07a9206 docs/fern/pages/reference/general/release-artifacts.mdx).
   */
  mockerImage: "nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.1",
  model: "Qwen/Qwen3-32B",
  /** A commit of the model's Hugging Face repository: a branch or tag can move. */
  modelRevision: "9216db5781bf21249d130ec9da846c4624c16137",
  modelDownloadImage: "python:3.10-slim",
  huggingfaceHub: "1.11.0",
  benchmarkImage: "python:3.11",
  /**
   * The recipe pins 0.10.0; this stack has pinned 0.13.0, whose --goodput also takes decode_duration
   * (added after 0.10.0), and keeps it: both versions' artifact files are read by the tests, from
   * their source. 0.14.0 is published, but its source could not be read here to check its files.
   */
  aiperf: "0.13.0",
  summaryImage: "node:20-bookworm-slim",
  /** The Mooncake repository's commit whose FAST'25 conversation trace the benchmark replays. */
  mooncakeCommit: "3cca71daccf2a7afb8fe3f0295358f70e3a69fdb",
  traceSha256: "b8cbb061a85206d729d91cdc2981f43c9e0d99209dce588d3af5f7934408b9df",
} as const;

/**
 * What `hf download` of the pinned model writes into the model cache, in GB (10^9 bytes): Qwen3-32B's bf16
 * safetensors are about 65.5 GB, as the Hugging Face repository's file listing gives them (its model
 * card's 32.8B parameters × 2 bytes is the 65.6 GB `model.weightsGB` uses); the tokenizer and config
 * files add megabytes. Not re-read from the Hub here, which this machine cannot reach.
 */
export const PINNED_MODEL_DOWNLOAD_GB = 65.5;

/**
 * Room the download needs beyond the files, in GB: hf_xet keeps its shard cache under HF_HOME, here the
 * model cache, with a soft limit of 4 GB (huggingface/huggingface_hub@v1.11.0
 * docs/source/en/guides/manage-cache.md:285; its chunk cache is off by default,
 * docs/source/en/package_reference/environment_variables.md:95-99), and a file system keeps some for itself.
 */
export const MODEL_CACHE_HEADROOM_GB = 5;

/** What a mocker's download (its tokenizer and config files, megabytes) may take, with room: 100 MiB. */
export const MOCKER_MODEL_CACHE_BYTES = 100 * 2 ** 20;

export const MOONCAKE_CONVERSATION_TRACE =
  `https://raw.githubusercontent.com/kvcache-ai/Mooncake/${PINS.mooncakeCommit}` + "/FAST25-release/traces/conversation_trace.jsonl";

/** Where `trace fetch` keeps the trace by default, from the project's root; `report` simulates it. */
export const DEFAULT_TRACE_FILE = "traces/conversation_trace.jsonl";

/** The aiperf versions whose artifact files were read from their source (tests/analysis/aiperfVersions.test.ts). */
export const AIPERF_VERSIONS_READ: readonly string[] = ["0.10.0", "0.13.0"];

/** The first Pulumi CLI that runs the stack's error hooks: Pulumi.yaml's requiredPulumiVersion. */
export const PULUMI_MIN_VERSION = "3.217.1";

/**
 * The trace's first requests, shipped so that `trace stats`, `simulate` and `calibrate` run offline: its
 * first lines byte for byte (scripts/generate-trace-slice.ts), and the requests of the sample runs in
 * examples/. Three hundred requests are 102 s of the trace, in which 21 requests already reuse a prefix.
 */
export const TRACE_SLICE = {
  file: "examples/trace/conversation_trace_first300.jsonl",
  requests: 300,
  sha256: "d67eedf2a1c2cbf1b7f1221d488156836b83efb313b17a39178893e41471e4f6",
} as const;
