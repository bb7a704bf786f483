import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { followsNameRule } from "../config/kubernetesRules";
import { artifactRetrievalCommand } from "../builders/benchmarkRun";
import { RUN_ID_BYTES } from "../builders/names";
import { kubectlCommand, redactSecrets } from "../builders/shellCommands";
import { PROJECT_ROOT } from "../projectRoot";
import { collectRunSummary } from "./collectRunSummary";
import { kubernetesJobLogs, type JobLogReader } from "./jobLogs";
import { DEFAULT_TRACE_FILE, predictRun } from "./predictRun";

/**
 * Runs after the benchmark Job is created, which `pulumi up` reports once the Job completes: the
 * run's summary lands in results/<stack>/<run-id>/ with no copying by hand. It never fails the
 * deployment; whatever goes wrong, it prints the commands that do it by hand.
 */
export interface HookEnvironment {
  logs: JobLogReader;
  resultsRoot: string;
  print: (text: string) => void;
  /** The trace the stack's prediction is simulated on: where `trace fetch` puts it, by default. */
  tracePath: string;
}

const RUN_ID = new RegExp(`^[0-9a-f]{${RUN_ID_BYTES * 2}}$`);

/** What the hook does, apart from its registration with the engine. */
export function benchmarkSummaryCallback(
  config: StackConfig,
  stack: string,
  environment: Partial<HookEnvironment> = {},
): pulumi.ResourceHookFunction {
  const {
    logs: reader = kubernetesJobLogs(config.kubeContext),
    resultsRoot = join(PROJECT_ROOT, "results"),
    print = (text: string) => pulumi.log.info(text),
    tracePath = join(PROJECT_ROOT, DEFAULT_TRACE_FILE),
  } = environment;
  // The hook's own text never holds a secret; what the client library says might, and the engine logs it.
  const logs: JobLogReader = {
    containerLog: (...args) =>
      reader.containerLog(...args).catch((error: Error) => {
        throw new Error(redactSecrets(error.message, config));
      }),
  };
  return async (args) => {
    const job = args.newOutputs ?? {};
    const jobName: unknown = job.metadata?.name;
    const runId: unknown = job.spec?.template?.metadata?.labels?.["dynamo-bench/run-id"];
    // The engine's answer is checked before it names a directory or goes into a command.
    if (typeof jobName !== "string" || !followsNameRule("labelValue", jobName) || typeof runId !== "string" || !RUN_ID.test(runId)) {
      print(
        `The benchmark Job reported no usable name or run id (${JSON.stringify(jobName)}, ${JSON.stringify(runId)}); nothing was saved. ` +
          `Its summary is in its log: ${kubectlCommand(config, stack, "logs", "job/<name>", "-c", "summary")}`,
      );
      return;
    }
    const commands = {
      summaryLog: kubectlCommand(config, stack, "logs", `job/${jobName}`, "-c", "summary"),
      artifacts: artifactRetrievalCommand(config, { stack, runId }),
    };
    if (!config.benchmark.wait) {
      print(
        `Benchmark run ${runId} started; \`pulumi up\` did not wait for it (benchmark.wait: false).\n` +
          `  Its summary, once done: ${commands.summaryLog}\n` +
          `  Its full artifacts:     ${commands.artifacts}\n`,
      );
      return;
    }
    await collectRunSummary({
      run: { stack, variant: config.variant, runId, jobName },
      namespace: config.namespace,
      resultsRoot,
      logs,
      commands,
      print,
      predict: () => predictRun(config, stack, tracePath),
    });
  };
}

export function benchmarkSummaryHook(config: StackConfig, stack: string): pulumi.ResourceHook {
  return new pulumi.ResourceHook("collect-benchmark-summary", benchmarkSummaryCallback(config, stack), { ignoreErrors: true });
}
