import { totalGpus, type StackConfig } from "./config/schema";
import { FRONTEND_PORT, frontendUrl } from "./builders/dynamoGraph";
import { frontendServiceName } from "./config/names";
import { kubectlCommand } from "./config/shellCommands";
import { PVC_NAMES } from "./builders/storage";
import { artifactPath, artifactRetrievalCommand, localResultsPath, type BenchmarkRunRef } from "./builders/benchmarkRun";

/** What a user needs after `pulumi up`, derived from the config alone so render and tests see the same. */
export function stackSummary(config: StackConfig, stack: string) {
  return {
    namespace: config.namespace,
    graphName: config.graph.name,
    frontendServiceName: frontendServiceName(config),
    frontendUrl: frontendUrl(config),
    portForwardCommand: kubectlCommand(
      config,
      stack,
      "port-forward",
      `svc/${frontendServiceName(config)}`,
      `${FRONTEND_PORT}:${FRONTEND_PORT}`,
    ),
    pvcNames: Object.values(PVC_NAMES),
    totalGpus: totalGpus(config),
  };
}

/** Where one benchmark run's results are, in the cluster and on the user's machine. */
export function benchmarkOutputs<JobName>(config: StackConfig, run: BenchmarkRunRef, jobName: JobName) {
  return {
    runId: run.runId,
    jobName,
    artifactPvc: PVC_NAMES.perfCache,
    artifactPath: artifactPath(run),
    localResultsPath: localResultsPath(run),
    retrievalCommand: artifactRetrievalCommand(config, run),
  };
}
