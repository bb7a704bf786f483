import { relative } from "node:path";
import { z } from "zod";
import { stackConfigFromFile } from "../stack/config/stackFile";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { mockerPolynomialTimings, profileTimings, stackTimings } from "../sim/stackTimings";
import { loadProfile } from "../sim/loadProfile";
import { tpTimings } from "../sim/tensorParallel";
import { polynomialPerfModel, type PerfModel } from "../sim/perfModel";
import { ROUTING_POLICIES, type RoutingPolicy } from "../domain/variants";
import { stackModel } from "../sim/stackModel";
import { loadTrace, type LoadedTrace } from "../sim/traceSimulation";
import type { ModelLenLimit } from "../sim/trace/traceFile";
import { ENGINE_MODELS, type StackModel } from "../sim/stackSimulation";
import type { StackConfig } from "../stack/config/schema";
import { parseGoodput, type Slos } from "../domain/slos";
import { formatCount, formatPercent } from "../lib/numbers";
import { stackFilePath } from "./stackFiles";
import { UserError } from "../lib/userError";
import { terminalLine } from "../lib/terminalText";
import {
  coefficientIntervalText,
  coefficientValues,
  fittedCoefficients,
  parseCalibrationFile,
  refitsText,
  undeterminedCoefficients,
  type CalibrationIntervals,
  type Coefficient,
  UNDETERMINED_SPREAD,
} from "../analysis/runs/calibrationFile";
import { readRegularFile } from "../lib/regularFile";
import { HANDOFF_OVERHEAD_MS, type Span } from "../sim/spans";
import type { CommandIo } from "./io";

/** Each worker keeps a cache, and the KV router weighs every worker for every request: far past any real stack, memory and time run out. */
export const MAX_WORKERS = 4096;
/** 10^12 tokens is a thousand times the sweep's top; past it a number is a typo, not a GPU. */
export const MAX_CAPACITY_TOKENS = 1e12;

/**
 * The slowest KV link a simulation takes, GB/s: 1 MB/s, below any network a GPU stack has (1 GbE is 0.125 GB/s).
 * Slower ones are typos, and a denormal such as 1e-310 made a transfer Infinity and the figures NaN; at the floor a
 * 131,072-token prompt's 34 GB take 9.5 hours, still a finite time.
 */
export const MIN_KV_TRANSFER_GBPS = 0.001;
const KV_TRANSFER_RANGE =
  "--kv-transfer-gbps: must be from 0.001 to 1,000,000 (GB/s); 0.001 GB/s is 1 MB/s, slower than any network a GPU stack has";

/** A number written in decimal, as a person types one: not hex (`0x10`), octal, `Infinity` or blank. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal, as a number; one too large for a double (`1e400`) is refused with `tooLarge`, naming the flag. */
const decimal = (error: string, tooLarge = error) =>
  z.string({ error }).regex(DECIMAL, { error }).transform(Number).refine(Number.isFinite, { error: tooLarge });

const wholeNumber = (flag: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `${flag}: must be a whole number ≥ ${min}`;
  return decimal(error, `${flag}: must be at most ${formatCount(max)}`).pipe(
    z
      .number()
      .int({ error })
      .min(min, { error })
      .max(max, { error: `${flag}: must be at most ${formatCount(max)}` }),
  );
};

const simulationOptions = z.object({
  trace: z.string({ error: "--trace: give the trace file" }),
  stack: z.string().optional(),
  configFile: z.string().optional(),
  policy: z.enum([...ROUTING_POLICIES, "all"], { error: `--policy: must be one of ${[...ROUTING_POLICIES, "all"].join(", ")}` }).optional(),
  workers: wholeNumber("--workers", 1, MAX_WORKERS).optional(),
  capacityTokens: wholeNumber("--capacity-tokens", 0, MAX_CAPACITY_TOKENS).optional(),
  overlapWeight: decimal("--overlap-weight: must be a number ≥ 0", "--overlap-weight: must be at most 1,000,000")
    .pipe(z.number().max(1e6, { error: "--overlap-weight: must be at most 1,000,000" }))
    .default(1),
  routerTemperature: decimal("--router-temperature: must be a number ≥ 0", "--router-temperature: must be at most 1,000,000")
    .pipe(z.number().max(1e6, { error: "--router-temperature: must be at most 1,000,000" }))
    .default(0),
  // The generator keeps 32 bits of state: a larger seed would wrap onto a smaller one.
  seed: wholeNumber("--seed", 0, 2 ** 32 - 1).default(1),
  profile: z.string().min(1, { error: "--profile: give a file or directory, or mocker-polynomial" }).optional(),
  engineModel: z.enum(ENGINE_MODELS, { error: `--engine-model: must be one of ${ENGINE_MODELS.join(", ")}` }).optional(),
  kvTransferGbps: decimal(KV_TRANSFER_RANGE, KV_TRANSFER_RANGE)
    .pipe(z.number().min(MIN_KV_TRANSFER_GBPS, { error: KV_TRANSFER_RANGE }).max(1e6, { error: KV_TRANSFER_RANGE }))
    .optional(),
  goodput: z.string().optional(),
  calibration: z.string().min(1, { error: "--calibration: give the calibration.json file" }).optional(),
  chart: z.string().optional(),
  json: z.boolean().optional(),
  skipInvalid: z.boolean().optional(),
  /** The options given on the command line, rather than left at their defaults. */
  given: z.array(z.string()).default([]),
});
export type SimulationOptions = z.input<typeof simulationOptions>;

/** A flag that no simulated policy reads would change nothing: it is refused rather than ignored. */
function refuseUnusedOptions(given: string[], policies: RoutingPolicy[]): void {
  const routing = policies.join(", ");
  if (given.includes("seed") && !policies.some((policy) => policy !== "round-robin")) {
    throw new UserError(
      `--seed: only the random and kv policies use it, and this run routes with ${routing}; ` +
        "add --policy random, kv or all, or leave --seed out",
    );
  }
  if (given.includes("routerTemperature") && !policies.includes("kv")) {
    throw new UserError(
      `--router-temperature: only the kv policy uses it, and this run routes with ${routing}; ` +
        "add --policy kv (or all), or leave --router-temperature out",
    );
  }
  if (given.includes("overlapWeight") && !policies.includes("kv")) {
    throw new UserError(
      `--overlap-weight: only the kv policy uses it, and this run routes with ${routing}; ` +
        "add --policy kv (or all), or leave --overlap-weight out",
    );
  }
}

/** The engine timings `--profile` names, or the stack's own; a profile that cannot be read is the user's to fix. */
function perfModel(config: StackConfig, profile: string | undefined, capacityTokens: number): PerfModel {
  const stackTp = config.workers.tensorParallelSize;
  if (profile === "mocker-polynomial") return mockerPolynomialTimings(config, capacityTokens);
  if (profile === undefined) return stackTimings(config, capacityTokens);
  try {
    return profileTimings(loadProfile(profile), stackTp);
  } catch (error) {
    // The profile's reader names the file at fault, which may be one inside the directory given.
    const message = (error as Error).message;
    const namesIt = message.startsWith(`${profile}: `) || message.startsWith(`${profile.replace(/\/+$/, "")}/`);
    throw new UserError(`--profile: ${namesIt ? message : `${profile}: ${message}`}`);
  }
}

/**
 * A calibration's timings, for a stack of the TP it was fitted at. One of another TP is refused: scaling a
 * measurement by an assumed rule would present an assumption as a calibration. What the file says of its own
 * coefficients is not taken on trust: which are undetermined is worked out again from its intervals.
 */
function calibratedPerfModel(path: string, config: StackConfig, io: CommandIo): PerfModel {
  const stackTp = config.workers.tensorParallelSize;
  const warn = (text: string) => io.err(`warning: --calibration: ${text}\n`);
  try {
    const file = parseCalibrationFile(readRegularFile(path, { maxBytes: 2 ** 20, what: "a calibration" }));
    const fittedTp = file.from.tensorParallelSize;
    if (fittedTp !== undefined && fittedTp !== stackTp) {
      throw new Error(
        `fitted to a run at TP ${fittedTp}, and this stack runs TP ${stackTp}: calibrate from a run at TP ${stackTp}, ` +
          "or leave --calibration out for timings scaled to it by an assumed rule",
      );
    }
    const { blockSize } = config.workers;
    if (file.kvCapacityTokens % blockSize !== 0) {
      const whole = Math.floor(file.kvCapacityTokens / blockSize) * blockSize;
      throw new Error(
        `kvCapacityTokens: ${file.kvCapacityTokens} is not a whole number of the stack's ${blockSize}-token KV blocks ` +
          `(workers.blockSize), and an engine holds KV in whole blocks: ` +
          (whole > 0 ? `make it ${whole}, or calibrate again` : `make it at least ${blockSize}, or calibrate again`),
      );
    }
    if (fittedTp === undefined) {
      warn(
        `the file does not say which TP it was fitted at (calibrate wrote it before it did); ` +
          `it is taken as this stack's TP ${stackTp}`,
      );
    }
    const values = coefficientValues(file);
    const intervals = file.intervals;
    const undetermined = intervals ? undeterminedCoefficients(values, intervals.coefficients) : [];
    const said = [...file.undetermined].sort().join(", ");
    if (intervals && said !== [...undetermined].sort().join(", ")) {
      warn(
        `undetermined says ${said || "none"}, and the intervals say ${undetermined.join(", ") || "none"} ` +
          `(past ±${formatPercent(UNDETERMINED_SPREAD, 0)} of the value): the intervals are taken`,
      );
    }
    if (!intervals) {
      warn(
        "the file holds no intervals (calibrate wrote it before it measured them), so its coefficients are unchecked: " +
          "calibrate again to know which the run determined",
      );
    }
    const worst = Math.max(...Object.values(file.error).map(Math.abs));
    const checked = intervals
      ? `, its coefficients within intervals from the fit and ${refitsText(intervals)}: ` +
        fittedCoefficients(values)
          .map((name) => coefficientIntervalText(name, values[name]!, intervals.coefficients[name]!))
          .join(", ") +
        (undetermined.length > 0
          ? `; the run hardly determined ${undetermined.join(", ")} (past ±${formatPercent(UNDETERMINED_SPREAD, 0)})`
          : "")
      : ", its coefficients unchecked (the file holds no intervals)" +
        (file.undetermined.length > 0 ? `; it names ${file.undetermined.join(", ")} as hardly determined` : "");
    const describe =
      `calibrated from ${terminalLine(file.from.run)} (${terminalLine(file.from.stack)}) ` +
      (fittedTp === undefined ? `at a TP it does not record, taken as this stack's ${stackTp}` : `at TP ${fittedTp}`) +
      ", whose TTFT and ITL p50 and p90 " +
      `it reproduced to within ${formatPercent(worst, 1)}` +
      checked;
    if (undetermined.length > 0) {
      warn(
        `the run it was fitted to hardly determined ${undetermined.join(", ")}: ` +
          "a prediction that leans on them, for another stack or split, is not to be trusted",
      );
    }
    const tp = tpTimings({ prefill: fittedTp ?? null, decode: fittedTp ?? null }, stackTp);
    return {
      ...polynomialPerfModel(file, file.kvCapacityTokens, describe),
      tensorParallel: tp,
      calibrated: true,
      ...(values.h !== undefined && { calibratedHandoff: { ms: values.h, span: handoffSpan(values.h, undetermined, intervals) } }),
    };
  } catch (error) {
    throw new UserError(`--calibration: ${path}: ${(error as Error).message}`);
  }
}

/**
 * Where a fitted handoff overhead may lie: the value itself when the run determined it. When the run
 * did not, or the file has no intervals, the assumed span, widened to hold the value and its interval:
 * an undetermined fit's interval need not hold the truth (a decode-bound 3P1D fixture with a true
 * 900 ms came back 94 ms, its interval 0 to 694 ms).
 */
function handoffSpan(ms: number, undetermined: readonly Coefficient[], intervals: CalibrationIntervals | undefined): Span {
  const interval = intervals?.coefficients.h;
  if (interval && !undetermined.includes("h")) return { fast: ms, slow: ms };
  const { low, high } = interval ?? { low: ms, high: ms };
  return { fast: Math.min(low, HANDOFF_OVERHEAD_MS.fast), slow: Math.max(high, HANDOFF_OVERHEAD_MS.slow) };
}

/** The stack's longest request, named by the key and file a user raises it in. */
export function modelLenLimit(config: StackConfig, stackFile: string): ModelLenLimit {
  return { tokens: config.workers.maxModelLen, key: `workers.maxModelLen in ${relative(process.cwd(), stackFile) || stackFile}` };
}

/** What every simulation starts from: the stack, its model, the trace, the policies to route with and the SLOs. */
export interface Simulation {
  options: z.output<typeof simulationOptions>;
  config: StackConfig;
  base: StackModel;
  trace: LoadedTrace;
  policies: RoutingPolicy[];
  slos: Slos;
}

/** Checks the options, then reads the stack, the engine timings and the trace. `sweepsSplits`: the stack's GPUs are split. */
export async function simulation(raw: SimulationOptions, io: CommandIo, { sweepsSplits = false } = {}): Promise<Simulation> {
  const parsed = simulationOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  const stackFile = stackFilePath(options);
  const config = stackConfigFromFile(stackFile);
  if (options.kvTransferGbps !== undefined && config.variant !== "disagg" && !sweepsSplits) {
    throw new UserError(
      "--kv-transfer-gbps: only a disaggregated stack moves KV between workers; " +
        "leave it out for agg, or sweep the splits: simulate sweep split",
    );
  }
  const slos = parseGoodput(options.goodput ?? config.benchmark.goodput);
  const capacityTokens = options.capacityTokens ?? workerCapacityTokens(config);
  const perf =
    options.calibration !== undefined
      ? calibratedPerfModel(options.calibration, config, io)
      : perfModel(config, options.profile, capacityTokens);
  const base = stackModel(config, perf, {
    engineModel: options.engineModel ?? (options.profile === "mocker-polynomial" ? "mocker" : undefined),
    workers: options.workers,
    capacityTokens,
    overlapWeight: options.overlapWeight,
    temperature: options.routerTemperature,
    seed: options.seed,
    transferGBps: options.kvTransferGbps,
  });
  const stackWorkers = base.routedWorkers + base.decodeWorkers;
  if (stackWorkers > MAX_WORKERS) {
    const more = `are more than the ${formatCount(MAX_WORKERS)} a simulation holds`;
    throw new UserError(
      options.workers !== undefined
        ? `--workers: ${formatCount(options.workers)} routed workers and the stack's ${formatCount(base.decodeWorkers)} decode ` +
            `workers ${more}; give at most ${formatCount(MAX_WORKERS - base.decodeWorkers)}`
        : `${relative(process.cwd(), stackFile) || stackFile}: its ${formatCount(stackWorkers)} workers ${more}; ` +
            "lower workers.*.replicas, or give --workers",
    );
  }
  const trace = await loadTrace(options.trace, { skipInvalid: options.skipInvalid, maxModelLen: modelLenLimit(config, stackFile) });
  if (trace.skippedLines.length > 0) io.err(`warning: skipped ${trace.skippedLines.length} invalid line(s)\n`);
  const policies: RoutingPolicy[] = options.policy === "all" ? [...ROUTING_POLICIES] : [options.policy ?? base.policy];
  refuseUnusedOptions(options.given, policies);
  return { options, config, base, trace, policies, slos };
}
