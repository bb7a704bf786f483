import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type StackConfig } from "../../stack/config/schema";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { buildBenchmarkJob } from "../../stack/builders/benchmarkJob";
import { artifactRetrievalCommand, benchmarkFingerprint } from "../../stack/builders/benchmarkRun";
import { SCRIPTS } from "../support/clusterScripts";

const RUN = { stack: "agg", runId: "0a1b2c3d" };
const agg = stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.agg.yaml"));

function jobOf(config: StackConfig) {
  return buildBenchmarkJob(config, RUN);
}
function env(container: { env?: { name: string; value?: string }[] }) {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

describe("the benchmark Job", () => {
  const job = jobOf(agg);
  const pod = job.spec!.template.spec!;
  const [aiperf] = pod.initContainers!;
  const [summary] = pod.containers;

  test("is named after its run, and writes under artifacts/<stack>/<run-id> on perf-cache", () => {
    assert.equal(job.metadata?.name, "agg-8xtp2-benchmark-0a1b2c3d");
    assert.equal(env(aiperf).ARTIFACT_DIR, "/perf-cache/artifacts/agg/0a1b2c3d");
    assert.deepEqual(pod.volumes![0], { name: "perf-cache", persistentVolumeClaim: { claimName: "perf-cache" } });
  });

  test("installs a pinned aiperf and replays the pinned, verified trace against the frontend", () => {
    assert.match(aiperf.command![2], /pip install --no-cache-dir "aiperf==\$AIPERF_VERSION"/);
    assert.deepEqual(
      { AIPERF_VERSION: env(aiperf).AIPERF_VERSION, MODEL_NAME: env(aiperf).MODEL_NAME, TRACE_SHA256: env(aiperf).TRACE_SHA256 },
      {
        AIPERF_VERSION: "0.13.0",
        MODEL_NAME: "Qwen/Qwen3-32B",
        TRACE_SHA256: "b8cbb061a85206d729d91cdc2981f43c9e0d99209dce588d3af5f7934408b9df",
      },
    );
    assert.equal(
      env(aiperf).TRACE_URL,
      "https://raw.githubusercontent.com/kvcache-ai/Mooncake/3cca71daccf2a7afb8fe3f0295358f70e3a69fdb" +
        "/FAST25-release/traces/conversation_trace.jsonl",
    );
    assert.equal(env(aiperf).FRONTEND_URL, "http://agg-8xtp2-frontend.dynamo-bench.svc:8000");
    assert.equal(env(aiperf).GOODPUT, "time_to_first_token:2000 inter_token_latency:25");
    assert.equal(env(aiperf).FIXED_SCHEDULE_END_OFFSET_MS, undefined, "the whole trace by default");
  });

  test("reads the tokenizer from the model cache, mounted read-only, and never from the hub", () => {
    assert.equal(env(aiperf).HF_HOME, "/home/dynamo/.cache/huggingface");
    assert.equal(env(aiperf).HF_HUB_OFFLINE, "1");
    assert.deepEqual(
      aiperf.volumeMounts!.find((m) => m.name === "model-cache"),
      { name: "model-cache", mountPath: "/home/dynamo/.cache/huggingface", readOnly: true },
    );
    assert.equal(pod.volumes!.find((v) => v.name === "model-cache")?.persistentVolumeClaim?.readOnly, true);
  });

  test("has the recipe's resources, never restarts or retries, and a deadline well past the 59-minute trace", () => {
    assert.deepEqual(aiperf.resources, { requests: { cpu: "8", memory: "16Gi" }, limits: { cpu: "16", memory: "32Gi" } });
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(job.spec!.backoffLimit, 0);
    assert.equal(job.spec!.activeDeadlineSeconds, 3 * 3600);
  });

  test("`pulumi up` waits for it beyond the run, unless told not to", () => {
    assert.equal(job.metadata?.annotations?.["pulumi.com/timeoutSeconds"], String(4 * 3600));
    const noWait = jobOf(parseStackConfig({ variant: "agg", benchmark: { wait: false } }, "test"));
    assert.equal(noWait.metadata?.annotations?.["pulumi.com/skipAwait"], "true");
    assert.equal(noWait.metadata?.annotations?.["pulumi.com/timeoutSeconds"], undefined);
  });

  test("the summary container summarizes with the same SLOs and ends with aiperf's exit code", () => {
    assert.equal(env(summary).GOODPUT, env(aiperf).GOODPUT);
    assert.equal(env(summary).ARTIFACT_DIR, env(aiperf).ARTIFACT_DIR);
    assert.match(summary.command![2], /node \/dynamo-bench\/summarize\.js "\$ARTIFACT_DIR" "\$GOODPUT"/);
    assert.match(summary.command![2], /exit "\$\(cat "\$ARTIFACT_DIR\/aiperf-exit-code"/);
  });

  test("model, SLOs and a replay window are config", () => {
    const config = parseStackConfig(
      {
        variant: "agg",
        model: { name: "Qwen/Qwen3-8B" },
        benchmark: { goodput: "time_to_first_token:500", fixedScheduleEndOffsetMs: 300000 },
      },
      "test",
    );
    const variables = env(jobOf(config).spec!.template.spec!.initContainers![0]);
    assert.equal(variables.MODEL_NAME, "Qwen/Qwen3-8B");
    assert.equal(variables.GOODPUT, "time_to_first_token:500");
    assert.equal(variables.FIXED_SCHEDULE_END_OFFSET_MS, "300000");
  });
});

describe("runs", () => {
  test("the fingerprint that draws a new run id follows what the run measures", () => {
    const measured = (config: StackConfig) => {
      const objects = buildStackObjects(config, RUN, SCRIPTS);
      return benchmarkFingerprint([objects.dynamoGraph, objects.benchmark!.job]);
    };
    assert.equal(measured(agg), measured(parseStackConfig({ variant: "agg" }, "test")));
    assert.notEqual(measured(agg), measured(parseStackConfig({ variant: "agg", workers: { decode: { replicas: 4 } } }, "test")));
    assert.notEqual(
      measured(agg),
      measured(parseStackConfig({ variant: "agg", benchmark: { goodput: "time_to_first_token:500" } }, "test")),
    );
  });

  test("benchmark.enabled false deploys the graph alone", () => {
    assert.equal(
      buildStackObjects(parseStackConfig({ variant: "agg", benchmark: { enabled: false } }, "test"), RUN, SCRIPTS).benchmark,
      undefined,
    );
  });

  test("the retrieval command copies the run's directory out of perf-cache into the local results", () => {
    const command = artifactRetrievalCommand(agg, RUN);
    assert.match(command, /^mkdir -p results\/agg\/0a1b2c3d\/artifacts && kubectl -n dynamo-bench run dynamo-bench-fetch-0a1b2c3d --rm -i/);
    assert.match(command, /"claimName":"perf-cache"/);
    assert.match(command, /"tar","cf","-","-C","\/perf-cache\/artifacts\/agg\/0a1b2c3d","\."/);
    assert.match(command, /\| tar xf - -C results\/agg\/0a1b2c3d\/artifacts$/);
  });
});

describe("benchmark config is validated", () => {
  const problem = (benchmark: Record<string, unknown>) => {
    try {
      parseStackConfig({ variant: "agg", benchmark }, "test");
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  };

  test("aiperf must be an exact version, never latest", () => {
    assert.match(problem({ aiperfVersion: "latest" }), /dynamo-bench:benchmark\.aiperfVersion: must be an exact version/);
  });

  test("the trace digest and the SLOs must be well formed", () => {
    assert.match(problem({ traceSha256: "abc" }), /dynamo-bench:benchmark\.traceSha256: must be a sha256 digest/);
    assert.match(problem({ goodput: "ttft<1s" }), /dynamo-bench:benchmark\.goodput: must be aiperf --goodput SLOs/);
  });

  test("`pulumi up` must wait longer than the Job may run", () => {
    assert.match(
      problem({ waitTimeoutMinutes: 60 }),
      /dynamo-bench:benchmark\.waitTimeoutMinutes: must exceed benchmark\.activeDeadlineMinutes \(180\)/,
    );
    assert.equal(problem({ waitTimeoutMinutes: 60, wait: false }), "");
  });
});
