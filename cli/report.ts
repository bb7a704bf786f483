import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { StackConfig } from "../stack/config/schema";
import { stackConfigFromFile } from "../stack/config/stackFile";
import { addToRun, savedRun } from "../analysis/runs/runDirectory";
import { PREDICTION_FILE } from "../analysis/runs/predictionFile";
import { loadRun } from "../analysis/compare/runInput";
import { predictionText } from "../analysis/compare/predictedBesideMeasured";
import { compareWithOtherStacks } from "../analysis/report/otherStackComparisons";
import { predictRun } from "../sim/runPrediction";
import { DEFAULT_TRACE_FILE } from "../domain/pins";
import { UserError } from "../lib/userError";
import { terminalLine } from "../lib/terminalText";
import { traceFileProblem } from "../sim/trace/traceFile";
import { PROJECT_ROOT, stackFileOf, stackFilePath } from "./stackFiles";
import { sanitizedIo, type CommandIo } from "./io";

export interface ReportOptions {
  stack?: string;
  configFile?: string;
  trace?: string;
}

export interface RunReportArgs {
  /** The stack's config, which the prediction simulates, or why there is none; a saved prediction is shown either way. */
  config?: StackConfig | { note: string };
  tracePath: string;
  print: (text: string) => void;
}

/**
 * What follows a saved run: its prediction, simulated once and saved beside it as prediction.json, and
 * its comparison with the newest run of every other stack. Any step that cannot be done is a note.
 */
export async function reportRun(dir: string, args: RunReportArgs): Promise<void> {
  const { print } = args;
  const run = savedRun(dir);
  if (run === undefined) {
    throw new UserError(`${dir}: holds no run.json; give a run directory that \`pulumi up\` saved, results/<stack>/<run-id>`);
  }
  if ("skipped" in run) throw new UserError(run.skipped);
  const folder = basename(dirname(resolve(dir)));
  if (folder !== run.stack) {
    throw new UserError(
      `${dir}: its run.json names stack ${run.stack}, but it is in ${folder}/: report reads a run where \`pulumi up\` saved it, ` +
        `results/<stack>/<run-id>, and compares it with the other stacks' folders beside it`,
    );
  }
  if (args.config !== undefined && !("note" in args.config) && args.config.variant !== run.variant) {
    throw new UserError(
      `the stack config to predict with is ${args.config.variant}, but run ${run.runId} is ${run.variant}: ` +
        "a prediction of another stack would be saved beside it for good; give the run's own stack",
    );
  }
  // The run's own summary first: a run that cannot be read is the mistake, not a note about its comparisons.
  await loadRun(dir, {});
  if (run.failure !== undefined) {
    print(`Benchmark run ${run.runId} did not succeed (${terminalLine(run.failure)}): it is neither predicted beside nor compared with.`);
    return;
  }
  if (args.config !== undefined && !existsSync(join(dir, PREDICTION_FILE))) {
    const prediction = "note" in args.config ? args.config : await predictRun(args.config, run.stack, args.tracePath);
    if ("note" in prediction) print(`${prediction.note}.`);
    else addToRun(dir, { [PREDICTION_FILE]: prediction.text });
  }
  if (existsSync(join(dir, PREDICTION_FILE))) {
    try {
      print(`\nPredicted beside measured, also in ${dir}/${PREDICTION_FILE}:\n\n${predictionText([await loadRun(dir, {})])}`);
    } catch (error) {
      print(`The prediction is not shown: ${(error as Error).message}.`);
    }
  }
  await compareWithOtherStacks(resolve(dir, "..", ".."), run, print);
}

/** The stack config the prediction simulates: the one named, or else the run's own stack's file, when it is here. */
function predictionConfig(dir: string, options: ReportOptions): StackConfig | { note: string } {
  const run = savedRun(dir);
  const stack = run && !("skipped" in run) ? run.stack : undefined;
  if (options.stack !== undefined && stack !== undefined && options.stack !== stack) {
    throw new UserError(
      `--stack: ${dir} is a run of ${stack} (its run.json says so), not of ${options.stack}; give -s ${stack}, or leave -s out`,
    );
  }
  if (options.stack !== undefined || options.configFile !== undefined) return stackConfigFromFile(stackFilePath(options));
  const path = stack === undefined ? undefined : stackFileOf(stack);
  if (path === undefined || !existsSync(path)) {
    return { note: `no prediction saved: there is no Pulumi.${stack ?? "<stack>"}.yaml to simulate; give --stack or --config-file` };
  }
  return stackConfigFromFile(path);
}

export async function reportCommand(dir: string, options: ReportOptions, rawIo: CommandIo): Promise<void> {
  const io = sanitizedIo(rawIo);
  // The trace named is the user's to fix when it cannot be read; the default one may not have been fetched yet, which is a note.
  if (options.trace !== undefined) {
    const problem = traceFileProblem(options.trace);
    if (problem) throw new UserError(`--trace: ${problem}`);
  }
  const tracePath = resolve(options.trace ?? join(PROJECT_ROOT, DEFAULT_TRACE_FILE));
  await reportRun(dir, { config: predictionConfig(dir, options), tracePath, print: (text) => io.out(`${text}\n`) });
}
