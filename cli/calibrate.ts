import { basename, dirname, join } from "node:path";
import { workerPools, type StackConfig } from "../stack/config/schema";
import type { Variant } from "../domain/variants";
import { stackConfigFromFile } from "../stack/config/stackFile";
import { savedRun } from "../analysis/runs/runDirectory";
import { calibrate, type MeasuredRequest } from "../sim/calibration";
import {
  CALIBRATION_FILE,
  calibrationFileText,
  coefficientIntervalText,
  coefficientValues,
  fittedCoefficients,
  implausibleTimings,
  refitsText,
  UNDETERMINED_SPREAD,
} from "../analysis/runs/calibrationFile";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { MOCKER_POLYNOMIAL, polynomialPerfModel } from "../sim/perfModel";
import { stackModel } from "../sim/stackModel";
import { loadTrace } from "../sim/traceSimulation";
import { formatCount, formatPercent } from "../lib/numbers";
import { entryAt, notASearchableDirectory } from "../lib/regularFile";
import { matchRecords, measuredRecords, RECORDS_FILE, SAME_LENGTH } from "../sim/recordMatching";
import { UserError } from "../lib/userError";
import { implausibleText } from "../analysis/summary/recordPlausibility";
import { writeOutputFile } from "./outputFile";
import { stackFilePath } from "./stackFiles";
import { sanitizedIo, type CommandIo } from "./io";
import { shellCommand } from "../stack/config/shellCommands";
import { terminalText } from "../lib/terminalText";

export interface CalibrateOptions {
  trace?: string;
  stack?: string;
  configFile?: string;
  out?: string;
  skipInvalid?: boolean;
}

/** A fit that reproduces the run's percentiles worse than this is reported as not to be trusted. */
const TRUSTED_ERROR = 0.1;

/** What is at `path`; a path that cannot be told (a link to nothing, a loop) is the user's to fix, in one line. */
function entryOf(path: string): ReturnType<typeof entryAt> {
  try {
    return entryAt(path);
  } catch (error) {
    throw new UserError(`calibrate: ${path}: ${(error as Error).message}`);
  }
}

/** The run's aiperf records: in the directory given, or in the `artifacts/` that `pulumi up` names for it. */
function recordsDirectory(dir: string): string {
  for (const candidate of [dir, join(dir, "artifacts")]) if (entryOf(join(candidate, RECORDS_FILE)) === "file") return candidate;
  throw new UserError(
    `calibrate: ${dir} holds no ${RECORDS_FILE}, in it or in artifacts/: give the run's aiperf artifact directory, ` +
      "or copy the artifacts into the results directory with the command `pulumi up` printed (Its full artifacts)",
  );
}

/** What the run's run.json, beside its records or one folder up, says of it: its stack, or why it says nothing. */
function savedStack(dir: string): { stack: string; variant: Variant } | { problem: string } | undefined {
  for (const candidate of basename(dir) === "artifacts" ? [dir, dirname(dir)] : [dir]) {
    const run = savedRun(candidate);
    if (run === undefined) continue;
    return "stack" in run ? { stack: run.stack, variant: run.variant } : { problem: run.skipped };
  }
  return undefined;
}

/** The stack the run was: -s or --config-file, or else the run.json `pulumi up` saved beside it. */
function runStack(dir: string, options: CalibrateOptions): { config: StackConfig; stack: string } {
  const saved = savedStack(dir);
  if (options.stack !== undefined && saved && "stack" in saved && saved.stack !== options.stack) {
    throw new UserError(
      `calibrate: ${dir} is a run of ${saved.stack} (its run.json says so), not of ${options.stack}: ` +
        `a fit of one stack's records to another's workers learns wrong timings; give -s ${saved.stack}, or leave -s out`,
    );
  }
  if (options.stack !== undefined || options.configFile !== undefined) {
    const config = stackConfigFromFile(stackFilePath(options));
    if (saved && "variant" in saved && saved.variant !== config.variant) {
      throw new UserError(
        `calibrate: ${dir} is a run of ${saved.stack}, ${saved.variant} (its run.json says so), but the stack given is ` +
          `${config.variant}: a fit of one stack's records to another's workers learns wrong timings; give the run's own stack`,
      );
    }
    return { config, stack: options.stack ?? options.configFile! };
  }
  if (saved === undefined) throw new UserError(`calibrate: ${dir} has no run.json that names its stack; give -s <stack> or --config-file`);
  if ("problem" in saved) throw new UserError(`calibrate: ${saved.problem}; give -s <stack> or --config-file`);
  try {
    return { config: stackConfigFromFile(stackFilePath({ stack: saved.stack })), stack: saved.stack };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(
      `calibrate: the run's run.json names stack ${saved.stack}, but ${error.message.replace(/^--stack: /, "")}; ` +
        "give -s <stack> or --config-file",
    );
  }
}

/** Five coefficients from fewer requests would fit noise. */
const MIN_FITTED = 100;

/**
 * `calibrate <run-dir>`: fits the stack's timings to a run's records and writes calibration.json
 * beside them.
 */
export async function calibrateCommand(runDir: string, options: CalibrateOptions, rawIo: CommandIo): Promise<void> {
  const io = sanitizedIo(rawIo);
  if (options.trace === undefined || options.trace === "") throw new UserError("--trace: give the trace the run replayed");
  if (runDir === "") throw new UserError("<run-dir>: give the run's aiperf artifact or results directory");
  const notDirectory = notASearchableDirectory(runDir);
  if (notDirectory) throw new UserError(`${runDir}: ${notDirectory}`);
  const dir = recordsDirectory(runDir);
  const { config, stack } = runStack(runDir, options);
  const out = options.out ?? join(runDir, CALIBRATION_FILE);
  if (entryOf(out) !== "nothing") {
    const how = options.out === undefined ? "give --out <file>" : "remove it, or give another --out";
    throw new UserError(`calibrate: ${out} exists; a calibration is never written over: ${how}`);
  }
  const { records, skippedLines, unknownUnits, implausible } = await measuredRecords(dir);
  if (skippedLines > 0) io.err(`warning: ${RECORDS_FILE}: skipped ${formatCount(skippedLines)} line(s) that are not records\n`);
  if (unknownUnits > 0) io.err(`warning: ${RECORDS_FILE}: left out ${formatCount(unknownUnits)} metric(s) in an unknown unit\n`);
  const leftOut = implausibleText(implausible);
  if (leftOut) io.err(`warning: ${RECORDS_FILE}: left out ${leftOut}\n`);
  const maxModelLen = { tokens: config.workers.maxModelLen, key: `workers.maxModelLen of stack ${stack}` };
  const trace = await loadTrace(options.trace, { skipInvalid: options.skipInvalid, maxModelLen });
  if (records.length === 0) throw new UserError(`calibrate: ${join(dir, RECORDS_FILE)} holds no profiling records`);
  const matches = matchRecords(records, trace.requests);
  const unmatched = matches.filter((match) => match === undefined).length;
  if (unmatched > SAME_LENGTH * records.length) {
    throw new UserError(
      `calibrate: ${formatCount(unmatched)} of ${formatCount(records.length)} records match no trace request ` +
        "at their place in the schedule (within 1 s, input length within 10%): the run did not replay this trace",
    );
  }
  // Every request up to the last one recorded ran, recorded or not: all of them load the workers.
  const last = Math.max(...matches.map((match) => match ?? -1));
  const requests = trace.requests.slice(0, last + 1);
  const measured: MeasuredRequest[] = [];
  records.forEach((record, i) => {
    const index = matches[i];
    if (index === undefined) return;
    // aiperf has no ITL for one output token; neither has the model.
    const itlMs = requests[index].output_length > 1 ? record.itlMs : undefined;
    if ((record.ttftMs ?? 0) > 0 || itlMs !== undefined) measured.push({ index, ttftMs: record.ttftMs ?? 0, itlMs });
  });
  const withTtft = measured.filter((request) => request.ttftMs > 0).length;
  if (withTtft < MIN_FITTED) {
    throw new UserError(
      `calibrate: ${formatCount(withTtft)} record(s) of a successful request with a TTFT above 0; ` +
        `${workerPools(config).length > 1 ? "six coefficients (five and the handoff's)" : "five coefficients"} need at least ` +
        `${MIN_FITTED}, or they fit noise`,
    );
  }
  const withItl = measured.filter((request) => request.itlMs !== undefined && request.itlMs > 0).length;
  if (withItl < MIN_FITTED) {
    throw new UserError(
      `calibrate: ${formatCount(withItl)} record(s) with an inter_token_latency above 0, of requests of more than one ` +
        `output token; the decode step's two coefficients are fitted to ITLs and need at least ${MIN_FITTED}`,
    );
  }
  // The engine holds KV in whole blocks (the mocker is given floor(capacity / block size) of them, stack/builders/dynamoGraph.ts).
  const { blockSize } = config.workers;
  const capacityTokens = Math.floor(workerCapacityTokens(config) / blockSize) * blockSize;
  if (capacityTokens <= 0) {
    throw new UserError(
      `calibrate: stack ${stack}'s workers hold no whole ${blockSize}-token KV block: the weights fill their GPUs' memory`,
    );
  }
  // The timings are what is fitted: the model's own are replaced at every step.
  const model = stackModel(config, polynomialPerfModel(MOCKER_POLYNOMIAL, 1, "fitted"), {
    overlapWeight: 1,
    temperature: 0,
    seed: 1,
    capacityTokens,
  });
  const calibration = (() => {
    try {
      return calibrate(requests, measured, model);
    } catch (error) {
      throw error instanceof UserError ? new UserError(`calibrate: ${error.message}`) : error;
    }
  })();
  const noEngine = implausibleTimings(calibration);
  if (noEngine) {
    throw new UserError(
      `calibrate: the fitted ${noEngine[0]}: ${noEngine[1]}; the run's records leave it no time to fit, so nothing was written`,
    );
  }
  writeOutputFile(
    "--out",
    out,
    calibrationFileText(calibration, {
      run: runDir,
      stack,
      trace: options.trace,
      records: records.length,
      tensorParallelSize: config.workers.tensorParallelSize,
    }),
  );
  const { prefill, decode, error, intervals } = calibration;
  const values = coefficientValues(calibration);
  const intervalLines = fittedCoefficients(values).map(
    (name) =>
      `    ${coefficientIntervalText(name, values[name]!, intervals.coefficients[name]!)}` +
      (calibration.undetermined.includes(name) ? `: undetermined, past ±${formatPercent(UNDETERMINED_SPREAD, 0)}\n` : "\n"),
  );
  const signed = (fraction: number) => `${fraction >= 0 ? "+" : ""}${formatPercent(fraction, 1)}`;
  io.out(
    `fitted ${formatCount(calibration.fittedRequests.ttft)} TTFTs and ${formatCount(calibration.fittedRequests.itl)} ITLs ` +
      `of ${stack} (${config.frontend.routerMode} routing) in ${calibration.iterations} step(s):\n` +
      `  prefill TTFT(t) = ${prefill[0].toPrecision(4)} + ${prefill[1].toPrecision(4)}·t + ${prefill[2].toPrecision(4)}·t² ms\n` +
      `  decode step(u)  = ${decode[0].toPrecision(4)} + ${decode[1].toPrecision(4)}·u ms, u = KV tokens in use / ` +
      `${formatCount(calibration.kvCapacityTokens)}\n` +
      (values.h === undefined ? "" : `  handoff overhead h = ${values.h.toPrecision(4)} ms per request, beyond the KV transfer\n`) +
      `  intervals from the fit and ${refitsText(intervals)}, each refit to the requests resampled and from the fit's ` +
      `coefficients scaled within ±${formatPercent(intervals.startSpread, 0)} (seed ${intervals.seed}):\n` +
      intervalLines.join("") +
      `  simulated against measured: TTFT p50 ${signed(error.ttftP50)}, p90 ${signed(error.ttftP90)}; ` +
      `ITL p50 ${signed(error.itlP50)}, p90 ${signed(error.itlP90)}\n` +
      `wrote ${terminalText(out)}; use it with: ${shellCommand("npx", "dynamo-bench", "simulate", "--calibration", out)} …\n`,
  );
  if (calibration.undetermined.length > 0) {
    io.err(
      `warning: this run hardly determines ${calibration.undetermined.join(", ")} (an interval past ` +
        `±${formatPercent(UNDETERMINED_SPREAD, 0)} of the value): ` +
        "what set its latencies (a queue, say) left little of them to see; do not trust a prediction that leans on them\n",
    );
  }
  const worst = Math.max(...Object.values(error).map(Math.abs));
  if (worst > TRUSTED_ERROR) {
    io.err(
      `warning: the fit reproduces the run's percentiles only to within ${formatPercent(worst, 0)}: ` +
        (config.frontend.routerMode === "kv"
          ? "a KV-routed run's routing depends on the timings being fitted; calibrate from a round-robin run (agg) for a firm fit\n"
          : "the model may lack what shaped this run (preemption, network time); do not trust its predictions far\n"),
    );
  }
}
