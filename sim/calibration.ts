import { percentile } from "../analysis/summary/statistics";
import type { TraceRequest } from "./trace/traceFile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, type PolynomialCoefficients } from "./perfModel";
import { FEATURES, type LatencyFeatures, type StackModel, type StackRun } from "./stackSimulation";
import { simulateStack } from "./simulateStack";
import { COEFFICIENTS, type Coefficient } from "../analysis/runs/calibrationFile";

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
  /** The fitted coefficients this run hardly determines, by `COEFFICIENTS`' names (see `undetermined`). */
  undetermined: Coefficient[];
  /** The KV capacity per worker that the decode polynomial's fraction is of. */
  kvCapacityTokens: number;
  iterations: number;
  fittedRequests: { ttft: number; itl: number };
  error: PercentileErrors;
}

/** A standard error over this fraction of a coefficient's value leaves it undetermined. */
const UNDETERMINED = 0.5;

const MAX_ITERATIONS = 40;
const FITTED = 5;
/** Steps toward the linear fit are halved down to this before the fit is called done. */
const MIN_STEP = 1 / 16;
const CONVERGED = 1e-6;
/** Requests are put in this many groups of equal size by each of the keys below. */
const GROUPS = 10;

/** A group of measured requests whose mean TTFT or mean ITL the fit matches. */
interface Moment {
  metric: "ttft" | "itl";
  /** Trace indices. */
  members: number[];
  measuredMeanMs: number;
}

interface Descent {
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
 */
export function calibrate(requests: readonly TraceRequest[], measured: readonly MeasuredRequest[], model: StackModel): Calibration {
  const capacity = model.engine.kvCapacityTokens;
  const simulate = (coefficients: number[]) =>
    simulateStack(
      requests,
      { ...model, engineModel: "vllm", perf: polynomialPerfModel(asPolynomial(coefficients), capacity, "calibrating") },
      true,
    );
  const fittedTtft = measured.filter((request) => request.ttftMs > 0);
  // A request the model gives one output token has no ITL to compare, as in aiperf.
  const fittedItl = measured.filter(
    (request) => request.itlMs !== undefined && request.itlMs > 0 && requests[request.index].output_length > 1,
  );
  const moments = groupMoments(requests, fittedTtft, fittedItl);
  /** The sum of the squared log ratios of the groups' simulated means to the measured: what the fit lowers. */
  const misfit = (run: StackRun) =>
    moments.reduce((sum, moment) => sum + Math.log(simulatedMean(run, moment) / moment.measuredMeanMs) ** 2, 0);
  const attempt = (coefficients: number[], iterations: number): Descent => {
    const run = simulate(coefficients);
    return { coefficients, run, misfit: misfit(run), iterations };
  };

  // The fit starts from the mocker's own timings.
  let current = attempt([...MOCKER_POLYNOMIAL.prefill, ...MOCKER_POLYNOMIAL.decode.slice(0, FITTED - 3), 0], 0);
  while (current.iterations < MAX_ITERATIONS) {
    const target = [...nonNegativeLeastSquares(linearRows(current.run.features!, moments)), 0];
    let next: Descent | undefined;
    for (let step = 1; step >= MIN_STEP && !next; step /= 2) {
      const candidate = attempt(
        current.coefficients.map((value, k) => value + step * (target[k] - value)),
        current.iterations + 1,
      );
      if (candidate.misfit < current.misfit) next = candidate;
    }
    if (!next) break;
    const change = Math.max(...next.coefficients.map((value, k) => Math.abs(value - current.coefficients[k]) / (Math.abs(value) + 1e-12)));
    current = next;
    if (change < CONVERGED) break;
  }
  const { run } = current;
  const fitted = current.coefficients.slice(0, FITTED);
  const se = standardErrors(linearRows(run.features!, moments), fitted);
  const error = (metric: "ttft" | "itl", p: number) =>
    metric === "ttft"
      ? relativeError(
          fittedTtft,
          (r) => run.ttftMs[r.index],
          (r) => r.ttftMs,
          p,
        )
      : relativeError(
          fittedItl,
          (r) => run.itlMs[r.index],
          (r) => r.itlMs!,
          p,
        );
  return {
    ...asPolynomial(current.coefficients),
    undetermined: undetermined(fitted, se),
    kvCapacityTokens: capacity,
    iterations: current.iterations,
    fittedRequests: { ttft: fittedTtft.length, itl: fittedItl.length },
    error: { ttftP50: error("ttft", 50), ttftP90: error("ttft", 90), itlP50: error("itl", 50), itlP90: error("itl", 90) },
  };
}

/**
 * The coefficients the run hardly determines: a standard error over half the value; and a
 * polynomial the fit drove to 0 altogether (every prefill term, or both decode terms), since a
 * pass that takes no time is no timing the run showed. A single term at 0 is judged by nothing:
 * the data may say the curve has no square term.
 */
function undetermined(fitted: number[], se: number[]): Coefficient[] {
  const none = (from: number, to: number) => fitted.slice(from, to).every((value) => value === 0);
  return COEFFICIENTS.filter((_, k) => {
    if (k < 3 ? none(0, 3) : none(3, 5)) return true;
    return fitted[k] > 0 && se[k] > UNDETERMINED * fitted[k];
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

const mean = <T>(items: readonly T[], value: (item: T) => number) => items.reduce((sum, item) => sum + value(item), 0) / items.length;

const simulatedMean = (run: StackRun, moment: Moment) =>
  mean(moment.members, (index) => (moment.metric === "ttft" ? run.ttftMs[index] : run.itlMs[index]));

/**
 * The rows of the least-squares problem for the schedule the features come from: each group's
 * mean features against its measured mean, weighted to relative error.
 */
function linearRows(features: LatencyFeatures, moments: readonly Moment[]): { rows: number[][]; targets: number[] } {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const moment of moments) {
    const perRequest = moment.metric === "ttft" ? features.ttft : features.itl;
    const row = Array.from({ length: FITTED }, (_, k) => mean(moment.members, (index) => perRequest[index * FEATURES + k]));
    const constant = moment.metric === "ttft" ? mean(moment.members, (index) => features.ttftConstantMs[index]) : 0;
    rows.push(row.map((value) => value / moment.measuredMeanMs));
    targets.push((moment.measuredMeanMs - constant) / moment.measuredMeanMs);
  }
  return { rows, targets };
}

const asPolynomial = (values: number[]): PolynomialCoefficients => ({
  prefill: [values[0], values[1], values[2]],
  decode: [values[3], values[4], values[5]],
});

/**
 * Least squares with every coefficient ≥ 0, as times that grow with tokens and KV have them: a
 * negative one is fixed at 0 and the rest fitted again (with five coefficients, a few rounds).
 */
export function nonNegativeLeastSquares({ rows, targets }: { rows: number[][]; targets: number[] }): number[] {
  const n = rows[0]?.length ?? 0;
  const free = new Set(Array.from({ length: n }, (_, k) => k));
  for (;;) {
    const columns = [...free];
    const fitted = leastSquares(
      rows.map((row) => columns.map((k) => row[k])),
      targets,
    );
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
 * coefficient then comes out 0, with a standard error as large as it is undetermined.
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

/**
 * Each coefficient's standard error, from the misfit left over: the square root of σ²·(AᵀA)⁻¹'s
 * diagonal, σ² the rows' residual variance. It tells a coefficient the run pins from one it hardly
 * touches (the prefill terms of a run whose TTFT is all queueing for decode: errors of 10^4 %). It
 * is no confidence interval: the groups share requests, and the schedule's reorderings are not
 * independent noise, so it runs up to three times smaller than the error of a round trip.
 */
export function standardErrors({ rows, targets }: { rows: number[][]; targets: number[] }, fitted: number[]): number[] {
  const n = fitted.length;
  const residuals = rows.reduce((sum, row, r) => sum + (row.reduce((dot, value, k) => dot + value * fitted[k], 0) - targets[r]) ** 2, 0);
  const variance = residuals / Math.max(1, rows.length - n);
  return normalInverse(rows).map((row, k) => Math.sqrt(Math.max(0, variance * row[k])));
}
