import { execFile } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { followsNameRule } from "../config/kubernetesRules";
import { resultsPullCommand } from "../builders/benchmarkRun";
import { RUN_ID_BYTES } from "../config/names";
import { kubectlCommand, redactSecrets, shellCommand } from "../config/shellCommands";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { saveRunSummary } from "./saveRunSummary";
import { savedRun } from "../../analysis/runs/runDirectory";
import { kubernetesJobLogs, type JobLogReader } from "./jobLogs";
import { terminalLines } from "../../lib/terminalText";

/**
 * Runs after the benchmark Job is created, which `pulumi up` reports once the Job completes: the
 * run's summary lands in results/<stack>/<run-id>/ with no copying by hand. It never fails the
 * deployment; whatever goes wrong, it prints the commands that do it by hand.
 */
export interface HookEnvironment {
  logs: JobLogReader;
  resultsRoot: string;
  print: (text: string) => void;
  /** Predicts and compares a saved run: `dynamo-bench report`, in a process of its own by default. */
  report: (dir: string) => Promise<void>;
}

const RUN_ID = new RegExp(`^[0-9a-f]{${RUN_ID_BYTES * 2}}$`);

interface JobView {
  metadata?: { name?: unknown };
  spec?: { template?: { metadata?: { labels?: Record<string, unknown> } } };
}

/** The next run key that draws a new run id: "1" → "2", "nightly" → "nightly-2". */
export function nextRunKey(runKey: string): string {
  return /^[0-9]{1,15}$/.test(runKey) ? String(Number(runKey) + 1) : `${runKey}-2`;
}

/** Saves and prints one run's summary, from what the engine says of its Job; false when it could not. */
function summaryCollector(config: StackConfig, stack: string, environment: Partial<HookEnvironment>) {
  const {
    logs: reader = kubernetesJobLogs(config.kubeContext),
    resultsRoot = join(PROJECT_ROOT, "results"),
    print: printRaw = (text: string) => pulumi.log.info(text),
  } = environment;
  // What the hook prints holds what the Job's log and the API said (the summary.md it saved, an error): never raw.
  const print = (text: string) => printRaw(terminalLines(text));
  const report = environment.report ?? ((dir: string) => reportInOwnProcess(dir, print));
  // The hook's own text never holds a secret; what the client library says might, and the engine logs it.
  const logs: JobLogReader = {
    containerLog: (...args) =>
      reader.containerLog(...args).catch((error: Error) => {
        throw new Error(redactSecrets(error.message, config));
      }),
  };
  return {
    resultsRoot,
    print,
    /** The run the Job belongs to, when the engine's answer names one that can be trusted in a path and a command. */
    runOf(job: JobView): { jobName: string; runId: string } | undefined {
      const jobName: unknown = job.metadata?.name;
      const runId: unknown = job.spec?.template?.metadata?.labels?.["dynamo-bench/run-id"];
      if (typeof jobName !== "string" || !followsNameRule("labelValue", jobName) || typeof runId !== "string" || !RUN_ID.test(runId)) {
        print(
          `The benchmark Job reported no usable name or run id (${JSON.stringify(jobName)}, ${JSON.stringify(runId)}); ` +
            "nothing was saved. " +
            `Its summary is in its log: ${kubectlCommand(config, stack, "logs", "job/<name>", "-c", "summary")}`,
        );
        return undefined;
      }
      return { jobName, runId };
    },
    async collect({ jobName, runId }: { jobName: string; runId: string }, failure?: string): Promise<boolean> {
      const commands = {
        summaryLog: kubectlCommand(config, stack, "logs", `job/${jobName}`, "-c", "summary"),
        artifacts: resultsPullCommand(config, { stack, runId }),
      };
      if (!config.benchmark.wait) {
        print(
          `Benchmark run ${runId} started; \`pulumi up\` did not wait for it (benchmark.wait: false).\n` +
            `  Its summary, once done: ${commands.summaryLog}\n` +
            `  Its full artifacts:     ${commands.artifacts}\n`,
        );
        return false;
      }
      const dir = await saveRunSummary({
        run: { stack, variant: config.variant, runId, jobName, ...(failure !== undefined && { failure }) },
        namespace: config.namespace,
        resultsRoot,
        logs,
        commands,
        print,
      });
      // A run that did not succeed is kept, but neither predicted beside nor compared with.
      if (dir !== undefined && failure === undefined) await report(dir);
      return dir !== undefined;
    },
  };
}

/**
 * `dynamo-bench report <dir>`, run by the CLI in a process of its own, so that neither `pulumi preview`
 * nor `up` loads the simulator or the charts. What it prints is printed; if it fails, how to run it again.
 */
function reportInOwnProcess(dir: string, print: (text: string) => void): Promise<void> {
  const args = [join(PROJECT_ROOT, "cli", "launch.js"), "report", dir];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (stdout.trim() !== "") print(stdout.trimEnd());
      if (error) {
        const why = stderr.trim().split("\n")[0] || error.message.split("\n")[0];
        const again = shellCommand("npx", "dynamo-bench", "report", dir);
        print(`The run's prediction and comparisons were not made (${why}). Make them with: ${again}`);
      }
      resolve();
    });
  });
}

/** What the hook does once the benchmark Job completes, apart from its registration with the engine. */
export function benchmarkSummaryCallback(
  config: StackConfig,
  stack: string,
  environment: Partial<HookEnvironment> = {},
): pulumi.ResourceHookFunction {
  const collector = summaryCollector(config, stack, environment);
  return async (args) => {
    const run = collector.runOf(args.newOutputs ?? {});
    if (run) await collector.collect(run);
  };
}

/**
 * What the error hook does when the benchmark Job fails or `pulumi up` stops waiting for it: what
 * aiperf recorded, which the summary step reports either way, is saved under results/ as a run that
 * did not succeed, once; then one line says how to run again. The Job stays failed, and so does
 * `pulumi up`: it is never retried, since a new run needs a new run id and a new directory.
 */
export function benchmarkFailureCallback(
  config: StackConfig,
  stack: string,
  environment: Partial<HookEnvironment> = {},
): pulumi.ErrorHookFunction {
  const collector = summaryCollector(config, stack, environment);
  return async (args) => {
    const run = collector.runOf((args.newInputs ?? args.oldOutputs ?? {}) as JobView);
    if (run) {
      const saved = savedRun(join(collector.resultsRoot, stack, run.runId));
      const failure = redactSecrets(args.errors[0] ?? "the benchmark Job did not complete", config).split("\n")[0];
      if (saved && !("skipped" in saved) && saved.jobName === run.jobName) {
        collector.print(`Benchmark run ${run.runId} did not succeed; what it recorded is saved in ${saved.dir}.`);
      } else {
        await collector.collect(run, failure);
      }
    }
    const key = nextRunKey(config.benchmark.runKey);
    const setKey = shellCommand("pulumi", "config", "set", "-s", stack, "--path", "benchmark.runKey", key);
    collector.print(`To run the benchmark again, with a new run id: ${setKey} && ${shellCommand("pulumi", "up", "-s", stack)}`);
    return false;
  };
}

export function benchmarkSummaryHook(config: StackConfig, stack: string): pulumi.ResourceHook {
  return new pulumi.ResourceHook("collect-benchmark-summary", benchmarkSummaryCallback(config, stack), { ignoreErrors: true });
}

export function benchmarkFailureHook(config: StackConfig, stack: string): pulumi.ErrorHook {
  return new pulumi.ErrorHook("save-failed-benchmark", benchmarkFailureCallback(config, stack));
}
