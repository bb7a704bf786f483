import { basename, dirname, join } from "node:path";
import type { StackConfig } from "../config/schema";
import { stackConfigFromFile } from "../config/stackFile";
import { savedRun } from "../postRun/localResults";
import { calibrate, type MeasuredRequest } from "../sim/calibration";
import { CALIBRATION_FILE, calibrationFileText } from "../sim/calibrationFile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel } from "../sim/perfModel";
import { stackModel } from "../sim/stackModel";
import { loadTrace } from "../sim/traceSimulation";
import { forEachRecord, RECORDS_FILE } from "../summary/aiperfFiles";
import { formatCount, formatPercent } from "../summary/numbers";
import { inMilliseconds } from "../summary/runSummary";
import { entryAt } from "../regularFile";
import { UserError } from "../userError";
import { writeOutputFile } from "./outputFile";
import { stackFilePath } from "./stackFiles";

export interface CalibrateOptions {
  calibrateFrom: string;
  trace: string;
  stack?: string;
  configFile?: string;
  out?: string;
  skipInvalid?: boolean;
}

/** A fit that reproduces the run's percentiles worse than this is reported as not to be trusted. */
const TRUSTED_ERROR = 0.1;
/** Records whose input length is off the trace request's by more than this are not the same request. */
const SAME_LENGTH = 0.1;

/** The run's aiperf records: in the directory given, or in the `artifacts/` that `pulumi up` names for it. */
function recordsDirectory(dir: string): string {
  for (const candidate of [dir, join(dir, "artifacts")]) if (entryAt(join(candidate, RECORDS_FILE)) === "file") return candidate;
  throw new UserError(
    `--calibrate-from: ${dir} holds no ${RECORDS_FILE}, in it or in artifacts/: give the run's aiperf artifact directory, ` +
      "or copy the artifacts into the results directory with the command `pulumi up` printed (Its full artifacts)",
  );
}

/** The stack the run was: -s or --config-file, or else the run.json `pulumi up` saved beside it. */
function runStack(dir: string, options: CalibrateOptions): { config: StackConfig; stack: string } {
  if (options.stack !== undefined || options.configFile !== undefined) {
    return { config: stackConfigFromFile(stackFilePath(options)), stack: options.stack ?? options.configFile! };
  }
  for (const candidate of basename(dir) === "artifacts" ? [dir, dirname(dir)] : [dir]) {
    const run = savedRun(candidate);
    if (run && "stack" in run) return { config: stackConfigFromFile(stackFilePath({ stack: run.stack })), stack: run.stack };
  }
  throw new UserError(`--calibrate-from: ${dir} has no run.json that names its stack; give -s <stack> or --config-file`);
}

interface MeasuredRecord {
  startNs: number;
  inputTokens: number | undefined;
  ttftMs: number | undefined;
  itlMs: number | undefined;
}

async function measuredRecords(dir: string): Promise<MeasuredRecord[]> {
  const records: MeasuredRecord[] = [];
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined);
  await forEachRecord(dir, (record) => {
    if (record.metadata.benchmark_phase !== undefined && record.metadata.benchmark_phase !== "profiling") return;
    if (!Number.isFinite(record.metadata.request_start_ns)) return;
    inMilliseconds(record);
    const metrics = record.metrics ?? {};
    const ok = !record.error;
    records.push({
      startNs: record.metadata.request_start_ns,
      inputTokens: number(metrics.input_sequence_length?.value),
      ttftMs: ok ? number(metrics.time_to_first_token?.value) : undefined,
      itlMs: ok ? number(metrics.inter_token_latency?.value) : undefined,
    });
  });
  return records.sort((a, b) => a.startNs - b.startNs);
}

/**
 * `simulate --calibrate-from`: fits the stack's timings to a run's records and writes
 * calibration.json beside them. Records are matched to the trace's requests in order of start:
 * a fixed-schedule replay sends them in the trace's order, from its first request.
 */
export async function calibrateCommand(options: CalibrateOptions): Promise<void> {
  const dir = recordsDirectory(options.calibrateFrom);
  const { config, stack } = runStack(options.calibrateFrom, options);
  const out = options.out ?? join(options.calibrateFrom, CALIBRATION_FILE);
  if (options.out === undefined && entryAt(out) !== "nothing") {
    throw new UserError(`--calibrate-from: ${out} exists; a calibration is never written over: give --out <file>`);
  }
  const records = await measuredRecords(dir);
  const trace = await loadTrace(options.trace, { skipInvalid: options.skipInvalid });
  if (records.length === 0) throw new UserError(`--calibrate-from: ${join(dir, RECORDS_FILE)} holds no profiling records`);
  if (records.length > trace.requests.length) {
    throw new UserError(
      `--calibrate-from: the run has ${formatCount(records.length)} records ` +
        `but the trace ${formatCount(trace.requests.length)} requests: ` +
        "give the trace the run replayed",
    );
  }
  const requests = trace.requests.slice(0, records.length);
  const mismatched = records.filter((record, i) => {
    const want = requests[i].input_length;
    return record.inputTokens !== undefined && Math.abs(record.inputTokens - want) > SAME_LENGTH * Math.max(1, want);
  }).length;
  if (mismatched > SAME_LENGTH * records.length) {
    throw new UserError(
      `--calibrate-from: ${formatCount(mismatched)} of ${formatCount(records.length)} records have an input length more than 10% off ` +
        "the trace request at their place: the run did not replay this trace from its start",
    );
  }
  const measured: MeasuredRequest[] = records
    .map((record, index) => ({ index, ttftMs: record.ttftMs ?? 0, itlMs: record.itlMs }))
    .filter((request) => request.ttftMs > 0 || request.itlMs !== undefined);
  // The timings are what is fitted: the model's own are replaced at every step.
  const model = stackModel(config, polynomialPerfModel(MOCKER_POLYNOMIAL, 1, "fitted"), { overlapWeight: 1, temperature: 0, seed: 1 });
  const calibration = calibrate(requests, measured, model);
  writeOutputFile(
    "--out",
    out,
    calibrationFileText(calibration, { run: options.calibrateFrom, stack, trace: options.trace, records: records.length }),
  );
  const { prefill, decode, error } = calibration;
  const signed = (fraction: number) => `${fraction >= 0 ? "+" : ""}${formatPercent(fraction, 1)}`;
  process.stdout.write(
    `fitted ${formatCount(calibration.fittedRequests.ttft)} TTFTs and ${formatCount(calibration.fittedRequests.itl)} ITLs ` +
      `of ${stack} (${config.frontend.routerMode} routing) in ${calibration.iterations} step(s):\n` +
      `  prefill TTFT(t) = ${prefill[0].toPrecision(4)} + ${prefill[1].toPrecision(4)}·t + ${prefill[2].toPrecision(4)}·t² ms\n` +
      `  decode step(u)  = ${decode[0].toPrecision(4)} + ${decode[1].toPrecision(4)}·u ms, u = KV tokens in use / ` +
      `${formatCount(calibration.kvCapacityTokens)}\n` +
      `  simulated against measured: TTFT p50 ${signed(error.ttftP50)}, p90 ${signed(error.ttftP90)}; ` +
      `ITL p50 ${signed(error.itlP50)}, p90 ${signed(error.itlP90)}\n` +
      `wrote ${out}; use it with: npx dynamo-bench simulate --calibration ${out} …\n`,
  );
  const worst = Math.max(...Object.values(error).map(Math.abs));
  if (worst > TRUSTED_ERROR) {
    process.stderr.write(
      `warning: the fit reproduces the run's percentiles only to within ${formatPercent(worst, 0)}: ` +
        (config.frontend.routerMode === "kv"
          ? "a KV-routed run's routing depends on the timings being fitted; calibrate from a round-robin run (agg) for a firm fit\n"
          : "the model may lack what shaped this run (preemption, network time); do not trust its predictions far\n"),
    );
  }
}
