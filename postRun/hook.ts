import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { artifactRetrievalCommand } from "../builders/benchmarkRun";
import { PROJECT_ROOT } from "../projectRoot";
import { collectRunSummary } from "./collectRunSummary";
import { kubernetesJobLogs, type JobLogReader } from "./jobLogs";

/**
 * Runs after the benchmark Job is created, which `pulumi up` reports once the Job completes: the
 * run's summary lands in results/<stack>/<run-id>/ with no copying by hand. It never fails the
 * deployment; whatever goes wrong, it prints the commands that do it by hand.
 */
export interface HookEnvironment {
  logs: JobLogReader;
  resultsRoot: string;
  print: (text: string) => void;
}

/** What the hook does, apart from its registration with the engine. */
export function benchmarkSummaryCallback(
  config: StackConfig,
  stack: string,
  environment: Partial<HookEnvironment> = {},
): pulumi.ResourceHookFunction {
  const {
    logs = kubernetesJobLogs(config.kubeContext),
    resultsRoot = join(PROJECT_ROOT, "results"),
    print = (text: string) => pulumi.log.info(text),
  } = environment;
  return async (args) => {
      const job = args.newOutputs ?? {};
      const jobName: string | undefined = job.metadata?.name;
      const runId: string | undefined = job.spec?.template?.metadata?.labels?.["dynamo-bench/run-id"];
      if (!jobName || !runId) {
        print("The benchmark Job reported no name or run id; its summary is in its log: kubectl logs job/<name> -c summary");
        return;
      }
      const retrievalCommand = artifactRetrievalCommand(config, { stack, runId });
      if (!config.benchmark.wait) {
        print(
          `Benchmark run ${runId} started; \`pulumi up\` did not wait for it (benchmark.wait: false).\n` +
            `  Its summary, once done: kubectl logs -n ${config.namespace} job/${jobName} -c summary\n` +
            `  Its full artifacts:     ${retrievalCommand}\n`,
        );
        return;
      }
      await collectRunSummary({
        run: { stack, variant: config.variant, runId, jobName },
        namespace: config.namespace,
        resultsRoot,
        logs,
      retrievalCommand,
      print,
    });
  };
}

export function benchmarkSummaryHook(config: StackConfig, stack: string): pulumi.ResourceHook {
  return new pulumi.ResourceHook("collect-benchmark-summary", benchmarkSummaryCallback(config, stack), { ignoreErrors: true });
}
