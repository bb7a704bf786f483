import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { hfTokenFromPulumi, stackConfigFromPulumi } from "./config/pulumiConfig";
import { configWarnings, type StackConfig } from "./config/schema";
import { ConfigError } from "./config/stackConfig";
import { buildStackObjects } from "./builders/stackObjects";
import { loadClusterScripts } from "./clusterScriptFiles";
import { HF_TOKEN_KEY } from "./builders/hfTokenSecret";
import { SharedStorage } from "./components/sharedStorage";
import { ModelDownload } from "./components/modelDownload";
import { DynamoGraph } from "./components/dynamoGraph";
import { Benchmark } from "./components/benchmark";
import { buildBenchmarkJob } from "./builders/benchmarkJob";
import { benchmarkFingerprint, RENDER_RUN_ID, type BenchmarkRunRef } from "./builders/benchmarkRun";
import { benchmarkOutputs, stackSummary } from "./outputs";
import { benchmarkFailureHook, benchmarkSummaryHook } from "./hooks/benchmarkHooks";
import { assertDynamoGraphAccepted } from "./schemas/dynamoGraphSchema";
import { stackRelease } from "./config/dynamoRelease";

function loadConfig(): StackConfig {
  try {
    return stackConfigFromPulumi();
  } catch (error) {
    // RunError ends preview and up with the message alone, before anything is applied.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const config = loadConfig();
for (const warning of configWarnings(config)) pulumi.log.warn(warning);

const stack = pulumi.getStack();
const objects = buildStackObjects(config, { stack, runId: RENDER_RUN_ID }, loadClusterScripts());
try {
  assertDynamoGraphAccepted(objects.dynamoGraph, stackRelease(config));
} catch (error) {
  throw new pulumi.RunError((error as Error).message);
}
// A context stored as a secret stays one in the providers' state.
const kubeContext =
  config.kubeContext && config.secretKeys.includes("kubeContext") ? pulumi.secret(config.kubeContext) : config.kubeContext;
// The stack's own objects have fixed names (the graph, the download Job, the scripts, a run's Job): after
// an interrupted `up`, one may exist that the state does not hold, and pulumi-kubernetes ≥ 4.29 would
// refuse to create it again (AlreadyExists). So the next `up` adopts it, applied with the stack's own
// field manager; without force, another stack's object of the same name is a conflict (stack/builders/metadata.ts).
const cluster = new k8s.Provider("cluster", { context: kubeContext, upsertExistingObjects: true });

const storage = new SharedStorage("storage", {
  claims: objects.persistentVolumeClaims,
  kubeContext,
  deleteModelCache: config.onDestroy.deleteModelCache,
  deleteResults: config.onDestroy.deleteResults,
});

const hfTokenSecret =
  objects.hfTokenSecret &&
  new k8s.core.v1.Secret(
    objects.hfTokenSecret.metadata!.name!,
    { ...objects.hfTokenSecret, stringData: { [HF_TOKEN_KEY]: hfTokenFromPulumi() } },
    { provider: cluster },
  );

const modelDownload = new ModelDownload(
  "model-download",
  { job: objects.modelDownloadJob },
  { providers: [cluster], dependsOn: [storage, ...(hfTokenSecret ? [hfTokenSecret] : [])] },
);

const dynamoGraph = new DynamoGraph("dynamo-graph", { graph: objects.dynamoGraph }, { providers: [cluster], dependsOn: [modelDownload] });

function runBenchmark(measured: NonNullable<typeof objects.benchmark>) {
  // A new id, and so a new artifact directory, whenever runKey or anything the run measures changes.
  const runId = new random.RandomId("benchmark-run", {
    byteLength: 4,
    keepers: { runKey: config.benchmark.runKey, measured: benchmarkFingerprint([objects.dynamoGraph, measured.job]) },
  });
  const run = runId.hex.apply((id): BenchmarkRunRef => ({ stack, runId: id }));
  const benchmark = new Benchmark(
    "benchmark",
    {
      scripts: measured.scripts,
      access: measured.access,
      job: run.apply((ref) => buildBenchmarkJob(config, ref)),
      jobHooks: { afterCreate: [benchmarkSummaryHook(config, stack)], onError: [benchmarkFailureHook(config, stack)] },
    },
    { providers: [cluster], dependsOn: [dynamoGraph] },
  );
  return run.apply((ref) => benchmarkOutputs(config, ref, benchmark.job.metadata.name));
}

const summary = stackSummary(config, stack);
export const namespace = summary.namespace;
export const graphName = dynamoGraph.graph.metadata.name;
export const frontendServiceName = summary.frontendServiceName;
export const frontendUrl = summary.frontendUrl;
export const portForwardCommand = summary.portForwardCommand;
export const pvcNames = storage.claimNames;
export const totalGpus = summary.totalGpus;
export const benchmark = objects.benchmark ? runBenchmark(objects.benchmark) : undefined;
