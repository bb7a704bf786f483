import { percentile } from "../summary/statistics";
import type { TraceRequest } from "../trace/traceFile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, type PolynomialCoefficients } from "./perfModel";
import { FEATURES, simulateStack, type LatencyFeatures, type StackModel, type StackRun } from "./stackSimulation";

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
  /** The KV capacity per worker that the decode polynomial's fraction is of. */
  kvCapacityTokens: number;
  iterations: number;
  fittedRequests: { ttft: number; itl: number };
  error: PercentileErrors;
}

const MAX_ITERATIONS = 40;
const FITTED = 5;
const MIN_STEP = 1 / 1024;
const POLISH_STEPS = [0.04, 0.01];
const POLISH_ROUNDS = 4;
const CONVERGED = 1e-7;

interface Descent {
  coefficients: number[];
  run: StackRun;
  misfit: number;
  iterations: number;
}

/**
 * Fits the timing polynomials to a run's measured TTFT and ITL. For a given schedule every
 * request's TTFT and ITL are linear in the coefficients (`LatencyFeatures`), so a least-squares
 * fit, weighted to relative error so that ITLs of 10 ms count as much as TTFTs of seconds, says
 * where to go. But the timings change the schedule (queues, batches, routing), so each step goes
 * toward that fit only as far as the simulated misfit keeps falling, until it stops falling. The
 * decode polynomial is fitted as a line in the KV fraction: its square term cannot be told apart
 * from the line by one run's data.
 */
export function calibrate(requests: readonly TraceRequest[], measured: readonly MeasuredRequest[], model: StackModel): Calibration {
  const capacity = model.engine.kvCapacityTokens;
  const simulate = (coefficients: number[]) =>
    simulateStack(requests, { ...model, perf: polynomialPerfModel(asPolynomial(coefficients), capacity, "calibrating") }, true);
  /** The sum of squared relative errors of the simulated TTFTs and ITLs: what the fit lowers. */
  const misfit = (run: StackRun) => {
    let sum = 0;
    for (const request of measured) {
      if (request.ttftMs > 0) sum += ((run.ttftMs[request.index] - request.ttftMs) / request.ttftMs) ** 2;
      // A request the model gives one output token has no ITL to compare, as in aiperf.
      const itl = run.itlMs[request.index];
      if (request.itlMs !== undefined && request.itlMs > 0 && !Number.isNaN(itl)) sum += ((itl - request.itlMs) / request.itlMs) ** 2;
    }
    return sum;
  };
  const descend = (start: number[]): Descent => {
    let current: Descent = { coefficients: start, run: simulate(start), misfit: 0, iterations: 0 };
    current.misfit = misfit(current.run);
    while (current.iterations < MAX_ITERATIONS) {
      const target = [...nonNegativeLeastSquares(linearRows(current.run.features!, measured)), 0];
      let next: Descent | undefined;
      for (let step = 1; step >= MIN_STEP && !next; step /= 2) {
        const coefficients = current.coefficients.map((value, k) => value + step * (target[k] - value));
        const run = simulate(coefficients);
        const candidate = { coefficients, run, misfit: misfit(run), iterations: current.iterations + 1 };
        if (candidate.misfit < current.misfit) next = candidate;
      }
      if (!next) break;
      const change = Math.max(
        ...next.coefficients.map((value, k) => Math.abs(value - current.coefficients[k]) / (Math.abs(value) + 1e-12)),
      );
      current = next;
      if (change < CONVERGED) break;
    }
    return polish(current);
  };
  /**
   * Past where the fitted direction stops helping, each coefficient alone is tried a few percent
   * up and down, keeping any change that lowers the simulated misfit: the schedule's steps that
   * stop the descent do not stop this.
   */
  const polish = (start: Descent): Descent => {
    let current = start;
    for (const relative of POLISH_STEPS) {
      for (let improved = true, rounds = 0; improved && rounds < POLISH_ROUNDS; rounds++) {
        improved = false;
        for (let k = 0; k < FITTED; k++) {
          for (const sign of [1, -1]) {
            const coefficients = [...current.coefficients];
            coefficients[k] *= 1 + sign * relative;
            const run = simulate(coefficients);
            const candidate = { coefficients, run, misfit: misfit(run), iterations: current.iterations + 1 };
            if (candidate.misfit < current.misfit) {
              current = candidate;
              improved = true;
              break;
            }
          }
        }
      }
    }
    return current;
  };
  const mocker = [...MOCKER_POLYNOMIAL.prefill, ...MOCKER_POLYNOMIAL.decode.slice(0, FITTED - 3), 0];
  // The fit starts from the mocker's own timings. Starts from half to four times as slow were
  // tried: they cost four fits and found no better one.
  const best = descend(mocker);
  const { run } = best;
  const fittedTtft = measured.filter((request) => request.ttftMs > 0);
  const fittedItl = measured.filter((request) => request.itlMs !== undefined && request.itlMs > 0);
  return {
    ...asPolynomial(best.coefficients),
    kvCapacityTokens: capacity,
    iterations: best.iterations,
    fittedRequests: { ttft: fittedTtft.length, itl: fittedItl.length },
    error: {
      ttftP50: relativeError(
        fittedTtft,
        (r) => run.ttftMs[r.index],
        (r) => r.ttftMs,
        50,
      ),
      ttftP90: relativeError(
        fittedTtft,
        (r) => run.ttftMs[r.index],
        (r) => r.ttftMs,
        90,
      ),
      itlP50: relativeError(
        fittedItl,
        (r) => run.itlMs[r.index],
        (r) => r.itlMs!,
        50,
      ),
      itlP90: relativeError(
        fittedItl,
        (r) => run.itlMs[r.index],
        (r) => r.itlMs!,
        90,
      ),
    },
  };
}

/** The rows of the least-squares problem for the schedule the features come from, weighted to relative error. */
function linearRows(features: LatencyFeatures, measured: readonly MeasuredRequest[]): { rows: number[][]; targets: number[] } {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const request of measured) {
    const at = request.index * FEATURES;
    if (request.ttftMs > 0) {
      rows.push(Array.from(features.ttft.subarray(at, at + FITTED), (value) => value / request.ttftMs));
      targets.push((request.ttftMs - features.ttftConstantMs[request.index]) / request.ttftMs);
    }
    const itl = features.itl.subarray(at, at + FITTED);
    if (request.itlMs !== undefined && request.itlMs > 0 && itl.some((value) => value !== 0)) {
      rows.push(Array.from(itl, (value) => value / request.itlMs!));
      targets.push(1);
    }
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
 * The x minimising |A x − b|², by the normal equations on columns scaled to unit size (their
 * magnitudes span 1 to 10^10 tokens²), with partial pivoting. A column that is all zeros (no pass
 * ever prefilled, say) gets 0.
 */
export function leastSquares(rows: number[][], targets: number[]): number[] {
  const n = rows[0]?.length ?? 0;
  const scale = Array.from({ length: n }, (_, k) => Math.sqrt(rows.reduce((sum, row) => sum + row[k] ** 2, 0)) || 1);
  const normal = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  rows.forEach((row, r) => {
    for (let i = 0; i < n; i++) {
      const x = row[i] / scale[i];
      for (let j = 0; j < n; j++) normal[i][j] += x * (row[j] / scale[j]);
      normal[i][n] += x * targets[r];
    }
  });
  // A trace of 1e-12 keeps a column the data cannot tell from another solvable, without moving the fit.
  for (let i = 0; i < n; i++) normal[i][i] += 1e-12;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(normal[row][col]) > Math.abs(normal[pivot][col])) pivot = row;
    [normal[col], normal[pivot]] = [normal[pivot], normal[col]];
    for (let row = 0; row < n; row++) {
      if (row === col || normal[col][col] === 0) continue;
      const factor = normal[row][col] / normal[col][col];
      for (let k = col; k <= n; k++) normal[row][k] -= factor * normal[col][k];
    }
  }
  return normal.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i] / scale[i]));
}
