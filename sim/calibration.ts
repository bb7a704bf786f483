import { percentile } from "../analysis/summary/statistics";
import type { TraceRequest } from "./trace/traceFile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, type PolynomialCoefficients } from "./perfModel";
import { seeded } from "./routing";
import { HANDOFF_OVERHEAD_MS } from "./spans";
import { UserError } from "../lib/userError";
import { formatCount } from "../lib/numbers";
import { FEATURES, HANDOFF_FEATURE, type LatencyFeatures, type StackModel, type StackRun } from "./stackSimulation";
import { simulateStack } from "./simulateStack";
import {
  COEFFICIENTS,
  INTERVAL_METHOD,
  undeterminedCoefficients,
  type CalibrationIntervals,
  type Coefficient,
  type CoefficientValues,
} from "../analysis/runs/calibrationFile";

/** One request of a run, measured: the trace request it replayed, by index, and its latencies in ms. */
export interface MeasuredRequest {
  index: number;
  ttftMs: number;
  /** Undefined for a request of one output token, or one whose ITL aiperf did not record. */
  itlMs: number | undefined;
}

/** Predicted against measured, as relative errors: (predicted − measured) / measured. */
export interface PercentileErrors {
  ttftP50: number;
  ttftP90: number;
  itlP50: number;
  itlP90: number;
}

export interface Calibration extends PolynomialCoefficients {
  /** Fitted to a disaggregated run only: what its requests paid at the handoff beyond the KV transfer, ms. */
  handoffOverheadMs?: number;
  /** The fitted coefficients whose interval reaches past ±5% of their value (see `undeterminedCoefficients`). */
  undetermined: Coefficient[];
  /** Each coefficient's interval, from refits of the run (see `calibrate`). */
  intervals: CalibrationIntervals;
  /** The KV capacity per worker that the decode polynomial's fraction is of. */
  kvCapacityTokens: number;
  iterations: number;
  fittedRequests: { ttft: number; itl: number };
  error: PercentileErrors;
}

export interface IntervalSettings {
  /** How many refits measure the intervals: each costs about a fit started near its end. */
  refits: number;
  seed: number;
}

/**
 * Ten refits: enough that a coefficient the data pins lands within the rule's 5% every time while
 * one it leaves loose shows it (bench/calibrate.ts), at about twice the time of the fit itself.
 */
export const DEFAULT_INTERVALS: IntervalSettings = { refits: 10, seed: 1 };

/**
 * Each refit starts from the fit's coefficients each scaled by a random factor within 1 ± this: four
 * times the rule's 5%, so that a coefficient the run does not pull back lands outside it.
 */
const START_SPREAD = 0.2;

/**
 * Each latency feature's coefficient, or null for one the fit holds at 0: the decode step's square
 * term, which one run's data cannot tell apart from the line. The handoff's coefficient h is fitted
 * to a disaggregated run only; an agg run has no handoff, and holds it at 0 too.
 */
const FEATURE_COEFFICIENTS: readonly (Coefficient | null)[] = ["a", "b", "c", "d", "e", null, "h"];
if (FEATURE_COEFFICIENTS.length !== FEATURES || FEATURE_COEFFICIENTS[HANDOFF_FEATURE] !== "h") {
  throw new Error(`sim/calibration.ts: FEATURE_COEFFICIENTS does not follow the ${FEATURES} features of LatencyFeatures`);
}
if (COEFFICIENTS.some((name) => !FEATURE_COEFFICIENTS.includes(name))) {
  throw new Error("sim/calibration.ts: a coefficient of COEFFICIENTS has no feature");
}

/** The features a fit to this stack fits, in `COEFFICIENTS`' order. */
function fittedFeatures(disaggregated: boolean): number[] {
  return FEATURE_COEFFICIENTS.flatMap((name, k) => (name !== null && (disaggregated || name !== "h") ? [k] : []));
}

const MAX_ITERATIONS = 40;
/** How many earlier iterates the accelerated step mixes with the last. */
const ACCELERATION_MEMORY = 3;
/** Steps toward the linear fit are halved down to this before the fit is called done. */
const MIN_STEP = 1 / 16;
const CONVERGED = 1e-6;
/**
 * A step that lowers the misfit by less than this fraction of it ends the descent: the misfit has
 * reached the floor that the records' noise and the schedule's reorderings leave, where the
 * coefficients wander without fitting better (bench/calibrate.ts).
 */
const PLATEAU = 0.01;
/**
 * A refit starts within 20% of the fit, near where the fit ended: 16 simulations bring it to the
 * misfit's floor. On the recipe's trace's first 4,000 requests, noise-free, 8 left three refits
 * short of it and a's interval at +8.8% (flagged); 16 gave −2.0% to +5.0%, 30 gave −1.3% to +4.1%,
 * the truth within both.
 */
const REFIT_SIMULATIONS = 16;
/**
 * A refit whose misfit ends above this many times the median refit's is left out of the intervals:
 * a descent stuck on the misfit's bumps (on the recipe's trace's first 4,000 requests, one stopped
 * at 1,000 times the others' misfit with a at 2.7 times the fit's) is a failure of the search, not
 * timings the run allows. Refits at the floor differ by less: up to 5 times, with noisy records.
 */
const STUCK = 10;
/** Requests are put in this many groups of equal size by each of the keys below. */
const GROUPS = 10;

/** A group of measured requests whose mean TTFT or mean ITL the fit matches. */
interface Moment {
  metric: "ttft" | "itl";
  /** Trace indices, a request more than once where a resample drew it more than once. */
  members: number[];
  measuredMeanMs: number;
}

interface Descent {
  /** One per latency feature, the held ones at 0. */
  coefficients: number[];
  run: StackRun;
  misfit: number;
  iterations: number;
}

/**
 * Fits the timing polynomials to a run's measured TTFT and ITL, by the simulated method of moments:
 * the simulated mean TTFT and mean ITL of groups of requests (by input length and by arrival time;
 * by arrival time and by output length) are brought to the measured ones.
 *
 * Why group means and not each request: a pass's make-up is a discrete choice (whether a request
 * joins this pass or the next), so the smallest change of the timings reorders some passes, and no
 * simulation other than the run's own timings reproduces each request's wait. Fitted request by
 * request, that mismatch acts as noise in the features and pulls the pass constant a down by about
 * 6% even on noise-free records. A group's mean averages over the reorderings, and its value in
 * the simulation is a smooth function of the timings.
 *
 * For a given schedule every request's TTFT and ITL are linear in the coefficients
 * (`LatencyFeatures`), and so are the group means: their least-squares fit, weighted to relative
 * error so that ITLs of 10 ms count as much as TTFTs of seconds, says where to go. The timings
 * change the schedule, so each step goes toward that fit only as far as the simulated misfit keeps
 * falling. The decode polynomial is fitted as a line in the KV fraction: its square term cannot be
 * told apart from the line by one run's data.
 *
 * The intervals come from refits, each to the measured requests resampled with replacement and
 * each from the fit's coefficients scaled by seeded random factors (`START_SPREAD`); an interval
 * runs from the lowest to the highest of the fit and the refits that reached the misfit's floor
 * (`STUCK`). Resampling alone misses what misled the fit on the recipe's trace: the misfit is flat
 * along some mix of the pass constant and the rest, and the schedule's discrete reorderings make
 * it bumpy, so where a descent stops depends on where it came from (on agg, with 2% noise, a came
 * back 12.5% low while every standard error was small). A coefficient the run pins is brought back
 * from any start; a loose one lands wherever its descent stops. And where the rows cannot tell
 * coefficients apart at all, each step keeps them where they were (`nonNegativeLeastSquares`), so
 * refits from other starts end apart instead of all at the same arbitrary split.
 */
export function calibrate(
  requests: readonly TraceRequest[],
  measured: readonly MeasuredRequest[],
  model: StackModel,
  settings: IntervalSettings = DEFAULT_INTERVALS,
): Calibration {
  const capacity = model.engine.kvCapacityTokens;
  const disaggregated = model.decodeWorkers > 0;
  const fitted = fittedFeatures(disaggregated);
  const simulate = (coefficients: number[]) =>
    simulateStack(
      requests,
      {
        ...model,
        engineModel: "vllm",
        perf: polynomialPerfModel(asPolynomial(coefficients), capacity, "calibrating"),
        handoffOverheadMs: coefficients[HANDOFF_FEATURE],
      },
      true,
    );
  const fittable = (from: readonly MeasuredRequest[]) => ({
    ttft: from.filter((request) => request.ttftMs > 0),
    // A request the model gives one output token has no ITL to compare, as in aiperf.
    itl: from.filter((request) => request.itlMs !== undefined && request.itlMs > 0 && requests[request.index].output_length > 1),
  });
  const records = fittable(measured);

  // The fit starts from the mocker's own timings and, in disagg, the middle of the handoff overhead's
  // assumed span: from 0, the first step at a queued schedule took every prefill term to 0 too, and the
  // descent never left there (2P2D round-robin, 1,000 requests of the conversation fixture, a true 300 ms).
  const start = fromPolynomial(MOCKER_POLYNOMIAL, disaggregated ? (HANDOFF_OVERHEAD_MS.fast + HANDOFF_OVERHEAD_MS.slow) / 2 : 0);
  const current = descend(start, groupMoments(requests, records.ttft, records.itl), simulate, fitted);
  const { run } = current;
  if (run.refused > 0) {
    // Which requests a worker refuses depends on its KV alone, not on the timings: no fit can serve them.
    throw new UserError(
      `the stack refuses ${formatCount(run.refused)} of the run's ${formatCount(requests.length)} requests as needing more KV than ` +
        `a worker's whole ${formatCount(capacity)} tokens, yet the run served them: it is not the stack the run ran on; ` +
        "give that stack with -s or --config-file",
    );
  }

  const random = seeded(settings.seed);
  const refits = Array.from({ length: settings.refits }, () => {
    const resampled = fittable(Array.from({ length: measured.length }, () => measured[Math.floor(random() * measured.length)]));
    const start = current.coefficients.map((value) => value * (1 + START_SPREAD * (2 * random() - 1)));
    return descend(start, groupMoments(requests, resampled.ttft, resampled.itl), simulate, fitted, REFIT_SIMULATIONS);
  });
  const floor = STUCK * median(refits.map((refit) => refit.misfit));
  const kept = refits.filter((refit) => refit.misfit <= floor);
  const names = fitted.map((k) => FEATURE_COEFFICIENTS[k]!);
  const named = (coefficients: readonly number[]) => Object.fromEntries(fitted.map((k) => [FEATURE_COEFFICIENTS[k], coefficients[k]]));
  const values = named(current.coefficients) as CoefficientValues;
  const intervals: CalibrationIntervals = {
    method: INTERVAL_METHOD,
    refits: settings.refits,
    kept: kept.length,
    seed: settings.seed,
    startSpread: START_SPREAD,
    coefficients: Object.fromEntries(
      names.map((name) => {
        const all = [values[name]!, ...kept.map((refit) => named(refit.coefficients)[name])];
        return [name, { low: Math.min(...all), high: Math.max(...all) }];
      }),
    ) as CalibrationIntervals["coefficients"],
  };

  const error = (metric: "ttft" | "itl", p: number) =>
    metric === "ttft"
      ? relativeError(
          records.ttft,
          (r) => run.ttftMs[r.index],
          (r) => r.ttftMs,
          p,
        )
      : relativeError(
          records.itl,
          (r) => run.itlMs[r.index],
          (r) => r.itlMs!,
          p,
        );
  return {
    ...asPolynomial(current.coefficients),
    ...(disaggregated && { handoffOverheadMs: current.coefficients[HANDOFF_FEATURE] }),
    undetermined: undeterminedCoefficients(values, intervals.coefficients),
    intervals,
    kvCapacityTokens: capacity,
    iterations: current.iterations,
    fittedRequests: { ttft: records.ttft.length, itl: records.itl.length },
    error: { ttftP50: error("ttft", 50), ttftP90: error("ttft", 90), itlP50: error("itl", 50), itlP90: error("itl", 90) },
  };
}

/**
 * From `start`, steps toward the linear fit of the moments for as long as the simulated misfit falls
 * by more than `PLATEAU`, and the linear fit promises that much; at most `simulations` simulations.
 */
function descend(
  start: number[],
  moments: readonly Moment[],
  simulate: (coefficients: number[]) => StackRun,
  fitted: readonly number[],
  simulations = Infinity,
): Descent {
  /** The sum of the squared log ratios of the groups' simulated means to the measured: what the fit lowers. */
  const misfit = (run: StackRun) =>
    moments.reduce((sum, moment) => sum + Math.log(simulatedMean(run, moment) / moment.measuredMeanMs) ** 2, 0);
  let simulated = 0;
  const attempt = (coefficients: number[], iterations: number): Descent => {
    simulated++;
    const run = simulate(coefficients);
    return { coefficients, run, misfit: misfit(run), iterations };
  };
  let current = attempt(start, 0);
  let history: Iterate[] = [];
  while (current.iterations < MAX_ITERATIONS && simulated < simulations) {
    const rows = linearRows(current.run.features!, moments, fitted);
    const at = fitted.map((k) => current.coefficients[k]);
    const solution = nonNegativeLeastSquares(rows, at);
    // At the current schedule the rows reproduce its simulated means, so this is the gain the step can bring.
    if (linearMisfit(rows, at) - linearMisfit(rows, solution) < PLATEAU * linearMisfit(rows, at)) break;
    const target = expanded(solution, fitted);
    history = [...history.slice(-ACCELERATION_MEMORY), { at: current.coefficients, target }];
    let next: Descent | undefined;
    const accelerated = acceleratedStep(history, fitted);
    if (accelerated) {
      const candidate = attempt(accelerated, current.iterations + 1);
      if (candidate.misfit < current.misfit) next = candidate;
      else history = history.slice(-1);
    }
    for (let step = 1; step >= MIN_STEP && !next && simulated < simulations; step /= 2) {
      const candidate = attempt(
        current.coefficients.map((value, k) => value + step * (target[k] - value)),
        current.iterations + 1,
      );
      if (candidate.misfit < current.misfit) next = candidate;
    }
    if (!next) break;
    const gain = current.misfit - next.misfit;
    const change = Math.max(
      ...next.coefficients.map((value, k) => Math.abs(value - current.coefficients[k]) / (Math.abs(value) + SCALE[k] * 1e-6)),
    );
    current = next;
    if (change < CONVERGED || gain < PLATEAU * (current.misfit + gain)) break;
  }
  return current;
}

/** A point of the descent and the linear fit of the schedule it simulated. */
interface Iterate {
  at: number[];
  target: number[];
}

/**
 * Each feature's coefficient at the mocker's timings, or 1 where that is 0 (the handoff's, which
 * the mocker does not have): the sizes that make coefficients from 10^-7 ms per token² to 50 ms comparable.
 */
const SCALE = fromPolynomial(MOCKER_POLYNOMIAL, 0).map((value) => Math.abs(value) || 1);

/**
 * The step toward the linear fit overshoots: a longer pass constant queues requests longer, which
 * the next schedule's fit answers with a shorter one, so the descent swings about where it ends
 * (by 30% in a at first) and closes in by about a half at each step. Anderson acceleration (Walker
 * & Ni, SIAM J. Numer. Anal. 49(4), 2011) takes the mix of the last few iterates whose fits moved
 * them least, which lands near the middle of the swings; the misfit still decides whether it is taken.
 */
function acceleratedStep(history: readonly Iterate[], fitted: readonly number[]): number[] | undefined {
  if (history.length < 2) return undefined;
  const residual = (iterate: Iterate) => fitted.map((k) => (iterate.target[k] - iterate.at[k]) / SCALE[k]);
  const residuals = history.map(residual);
  const last = residuals.length - 1;
  const differences = residuals.slice(0, last).map((r, j) => r.map((value, i) => residuals[j + 1][i] - value));
  const weights = leastSquares(
    fitted.map((_, i) => differences.map((difference) => difference[i])),
    residuals[last],
  );
  if (!weights.every(Number.isFinite)) return undefined;
  return history[last].target.map((value, k) => {
    if (!fitted.includes(k)) return 0;
    const shift = weights.reduce((sum, weight, j) => sum + weight * (history[j + 1].target[k] - history[j].target[k]), 0);
    return Math.max(0, value - shift);
  });
}

/**
 * The groups whose means are fitted. Requests are grouped by what the trace and the records say of
 * them, never by the simulated schedule, so that a group holds the same requests at every step:
 * TTFT by input length (which sets the prefill) and by arrival time (which sets the load);
 * ITL by arrival time and by output length (how long a request decodes beside others' prefills).
 */
function groupMoments(
  requests: readonly TraceRequest[],
  fittedTtft: readonly MeasuredRequest[],
  fittedItl: readonly MeasuredRequest[],
): Moment[] {
  const moments: Moment[] = [];
  const add = (metric: Moment["metric"], fitted: readonly MeasuredRequest[], key: (request: TraceRequest) => number) => {
    const sorted = [...fitted].sort((x, y) => key(requests[x.index]) - key(requests[y.index]) || x.index - y.index);
    const groups = Math.min(GROUPS, sorted.length);
    for (let g = 0; g < groups; g++) {
      const group = sorted.slice(Math.floor((g * sorted.length) / groups), Math.floor(((g + 1) * sorted.length) / groups));
      const measuredMeanMs = mean(group, (request) => (metric === "ttft" ? request.ttftMs : request.itlMs!));
      moments.push({ metric, members: group.map((request) => request.index), measuredMeanMs });
    }
  };
  add("ttft", fittedTtft, (request) => request.input_length);
  add("ttft", fittedTtft, (request) => request.timestamp);
  add("itl", fittedItl, (request) => request.timestamp);
  add("itl", fittedItl, (request) => request.output_length);
  return moments;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const mean = <T>(items: readonly T[], value: (item: T) => number) => items.reduce((sum, item) => sum + value(item), 0) / items.length;

const simulatedMean = (run: StackRun, moment: Moment) =>
  mean(moment.members, (index) => (moment.metric === "ttft" ? run.ttftMs[index] : run.itlMs[index]));

/**
 * The rows of the least-squares problem for the schedule the features come from: each group's
 * mean features against its measured mean, weighted to relative error.
 */
function linearRows(
  features: LatencyFeatures,
  moments: readonly Moment[],
  fitted: readonly number[],
): { rows: number[][]; targets: number[] } {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const moment of moments) {
    const perRequest = moment.metric === "ttft" ? features.ttft : features.itl;
    const row = fitted.map((k) => mean(moment.members, (index) => perRequest[index * FEATURES + k]));
    const constant = moment.metric === "ttft" ? mean(moment.members, (index) => features.ttftConstantMs[index]) : 0;
    rows.push(row.map((value) => value / moment.measuredMeanMs));
    targets.push((moment.measuredMeanMs - constant) / moment.measuredMeanMs);
  }
  return { rows, targets };
}

/** The fitted coefficients, one per feature, spread back over every feature with the held ones at 0. */
function expanded(solution: readonly number[], fitted: readonly number[]): number[] {
  const values = new Array<number>(FEATURES).fill(0);
  fitted.forEach((k, i) => (values[k] = solution[i]));
  return values;
}

/**
 * One value per feature, the held ones at 0. The layout is `LatencyFeatures`': the prefill terms,
 * the decode terms, then the handoff overhead.
 */
function fromPolynomial(polynomial: PolynomialCoefficients, handoffOverheadMs: number): number[] {
  return [...polynomial.prefill, ...polynomial.decode, handoffOverheadMs].map((value, k) => (FEATURE_COEFFICIENTS[k] === null ? 0 : value));
}

const asPolynomial = (values: readonly number[]): PolynomialCoefficients => ({
  prefill: [values[0], values[1], values[2]],
  decode: [values[3], values[4], values[5]],
});

/**
 * Least squares with every coefficient ≥ 0, as times that grow with tokens and KV have them: a
 * negative one is fixed at 0 and the rest fitted again (with five coefficients, a few rounds).
 * Fitted as a change from `around`: along a mix of coefficients the rows cannot tell apart (every
 * prompt of one length makes a, b and c one number), a coefficient stays where it was rather than
 * going wherever the arithmetic puts it, so that refits from other starts show it is free.
 */
export function nonNegativeLeastSquares({ rows, targets }: { rows: number[][]; targets: number[] }, around?: readonly number[]): number[] {
  const n = rows[0]?.length ?? 0;
  const from = around ?? new Array<number>(n).fill(0);
  const free = new Set(Array.from({ length: n }, (_, k) => k));
  for (;;) {
    const columns = [...free];
    const change = leastSquares(
      rows.map((row) => columns.map((k) => row[k])),
      targets.map((target, r) => target - columns.reduce((sum, k) => sum + rows[r][k] * from[k], 0)),
    );
    const fitted = columns.map((k, i) => from[k] + change[i]);
    const negative = columns.filter((_, i) => fitted[i] < 0);
    if (negative.length === 0) {
      const result = new Array<number>(n).fill(0);
      columns.forEach((k, i) => (result[k] = fitted[i]));
      return result;
    }
    // The most negative goes first; the others may turn positive without it.
    const worst = negative.reduce((a, b) => (fitted[columns.indexOf(a)] < fitted[columns.indexOf(b)] ? a : b));
    free.delete(worst);
  }
}

/** |A x − b|²: the misfit the linear rows predict at x. */
function linearMisfit({ rows, targets }: { rows: number[][]; targets: number[] }, x: readonly number[]): number {
  return rows.reduce((sum, row, r) => sum + (row.reduce((dot, value, k) => dot + value * x[k], 0) - targets[r]) ** 2, 0);
}

function relativeError<T>(all: T[], predicted: (item: T) => number, measured: (item: T) => number, p: number): number {
  const items = all.filter((item) => !Number.isNaN(predicted(item)));
  if (items.length === 0) return 0;
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  const want = percentile(sorted(items.map(measured)), p);
  return (percentile(sorted(items.map(predicted)), p) - want) / want;
}

/**
 * (AᵀA)⁻¹ for the rows A, by Gauss-Jordan on columns scaled to unit size (their magnitudes span 1
 * to 10^10 tokens²), with partial pivoting. A trace of 1e-12 keeps a column the data cannot tell
 * from another, or one that is all zeros (no pass ever prefilled, say), invertible: its
 * coefficient then comes out 0 (in `nonNegativeLeastSquares`, its change from where it was).
 */
function normalInverse(rows: number[][]): number[][] {
  const n = rows[0]?.length ?? 0;
  const scale = Array.from({ length: n }, (_, k) => Math.sqrt(rows.reduce((sum, row) => sum + row[k] ** 2, 0)) || 1);
  const work = Array.from({ length: n }, (_, i) => Array.from({ length: 2 * n }, (_, j) => (j === n + i ? 1 : i === j ? 1e-12 : 0)));
  for (const row of rows) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) work[i][j] += (row[i] / scale[i]) * (row[j] / scale[j]);
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(work[row][col]) > Math.abs(work[pivot][col])) pivot = row;
    [work[col], work[pivot]] = [work[pivot], work[col]];
    const divisor = work[col][col];
    for (let k = 0; k < 2 * n; k++) work[col][k] /= divisor;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = work[row][col];
      for (let k = 0; k < 2 * n; k++) work[row][k] -= factor * work[col][k];
    }
  }
  return work.map((row, i) => row.slice(n).map((value, j) => value / scale[i] / scale[j]));
}

/** The x minimising |A x − b|², by the normal equations. */
export function leastSquares(rows: number[][], targets: number[]): number[] {
  const inverse = normalInverse(rows);
  const projected = inverse.map((_, k) => rows.reduce((sum, row, r) => sum + row[k] * targets[r], 0));
  return inverse.map((row) => row.reduce((sum, value, k) => sum + value * projected[k], 0));
}
