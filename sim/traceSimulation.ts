import { meetsSlo, SLO_METRICS, type Slos } from "../domain/slos";
import { percentile } from "../analysis/summary/statistics";
import { forEachTraceRequest, type TraceReadOptions, type TraceRequest } from "./trace/traceFile";
import { promptBlocks } from "./promptBlocks";
import { PrefixCache } from "./prefixCache";
import type { TpTimings } from "./tensorParallel";
import { atEnd, namedSpans } from "./uncertainty";
import { type StackModel, type StackRun } from "./stackSimulation";
import { simulateStack } from "./simulateStack";
import { kvTransferMs } from "./kvTransfer";
import type { PredictedRequest } from "../analysis/runs/predictedRequestsFile";

export interface LoadedTrace {
  /** In timestamp order, their `hash_ids` renumbered from 0 (only equality matters). */
  requests: TraceRequest[];
  inputTokens: number;
  skippedLines: number[];
}

export async function loadTrace(path: string, options: TraceReadOptions = {}): Promise<LoadedTrace> {
  const requests: TraceRequest[] = [];
  const dense = new Map<number, number>();
  let inputTokens = 0;
  const read = await forEachTraceRequest(
    path,
    (request) => {
      const hash_ids = request.hash_ids.map((id) => {
        let renumbered = dense.get(id);
        if (renumbered === undefined) dense.set(id, (renumbered = dense.size));
        return renumbered;
      });
      inputTokens += request.input_length;
      requests.push({ ...request, hash_ids });
    },
    options,
  );
  requests.sort((a, b) => a.timestamp - b.timestamp);
  return { requests, inputTokens, skippedLines: read.skippedLines };
}

/** What one unbounded prefix cache serves, the most any routing gets: its hit rate and what it still prefills. */
export function unboundedCache(trace: LoadedTrace, blockSize: number): { hitRate: number; prefillTokens: number } {
  const cache = new PrefixCache(Infinity);
  let hits = 0;
  let references = 0;
  let prefillTokens = 0;
  for (const request of trace.requests) {
    const blocks = promptBlocks(request, blockSize);
    const hit = cache.matchPrefix(blocks);
    cache.insert(blocks);
    hits += hit;
    references += blocks.total;
    prefillTokens += request.input_length - Math.max(0, Math.min(hit * blockSize, request.input_length - 1));
  }
  return { hitRate: references > 0 ? hits / references : 0, prefillTokens };
}

export { OVERLOADED_MS } from "../domain/overload";

export interface MaxMean {
  max: number;
  mean: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  avg: number;
}

/** The fraction of requests that meet every SLO, as aiperf counts goodput; null when an SLO names a metric not predicted. */
export interface PredictedGoodput {
  slos: Slos;
  good: number;
  total: number;
  fraction: number;
}

/** A prediction's figures at one end of its range: each the best (fast end) or the worst (slow end) that any of its simulations gave. */
export interface RangeEnd {
  latency: PredictedLatency;
  goodput: number | null;
}

/**
 * Where an uncalibrated prediction lies: the envelope of its figures at the point, with every named span at its fast
 * end, and with every one at its slow end. fast ≤ point ≤ slow in each latency, fast ≥ point ≥ slow in goodput.
 */
export interface PredictionRange {
  fast: RangeEnd;
  slow: RangeEnd;
  /** The spans, in words. */
  spans: string[];
}

/** Predicted, ms; null where no request has the figure: no TTFT when none was served, no ITL when none had two tokens. */
export interface PredictedLatency {
  timeToFirstToken: Percentiles | null;
  interTokenLatency: Percentiles | null;
  requestLatency: Percentiles | null;
}

/** One simulation, in the shape `simulate --json` prints. */
export interface SimulationReport {
  engineModel: StackModel["engineModel"];
  policy: StackModel["policy"];
  workers: number;
  decodeWorkers: number;
  capacityTokensPerWorker: number;
  perfModel: string;
  /** Which TP the timings were for, and the scaling to the stack's TP with its assumed range; null when not asked. */
  tensorParallel: TpTimings | null;
  hitRate: number;
  bound: number;
  prefillTokens: { computed: number; unbounded: number; input: number };
  load: { requests: MaxMean; prefillTokens: MaxMean };
  cachedTokensPerWorker: MaxMean & { capacityFraction: number };
  latency: PredictedLatency;
  /** The served requests' KV transfers alone, ms, beside their TTFT, which holds them; null in agg. */
  kvTransferMs: Percentiles | null;
  goodput: PredictedGoodput | null;
  /** Null for a point: the timings are exact (the mocker's own) or calibrated. */
  range: PredictionRange | null;
  /** The trace's requests, served or not. */
  requests: number;
  /** Requests the mocker model's workers preempted, and refused as longer than their KV; 0 in the vllm model. */
  preemptions: number;
  refused: number;
  /** Requests the mocker model's workers never served (see `StackRun.unserved`). */
  unserved: number;
  /** What the prediction assumed, besides the timings. */
  settings: {
    /** The SLOs goodput is counted against. */
    slos: Slos;
    blockSize: number;
    maxBatchedTokens: number;
    maxNumSeqs: number;
    /** Of the KV router; null for round-robin and random. */
    router: { overlapWeight: number; temperature: number } | null;
    seed: number;
    /** Of a disaggregated stack; null for agg. */
    kvTransfer: { gbps: number; bytesPerToken: number } | null;
  };
}

function maxMean(values: Float64Array): MaxMean {
  let max = 0;
  let sum = 0;
  for (const value of values) {
    max = Math.max(max, value);
    sum += value;
  }
  return { max, mean: values.length > 0 ? sum / values.length : 0 };
}

function percentiles(values: Float64Array): Percentiles | null {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort();
  if (sorted.length === 0) return null;
  const avg = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), avg };
}

/** The per-request metrics a simulation predicts, by aiperf's names. */
function predictedMetric(run: StackRun, metric: string, index: number): number | undefined {
  switch (metric) {
    case "time_to_first_token":
      return run.ttftMs[index];
    case "inter_token_latency":
      return run.itlMs[index];
    case "request_latency":
      return run.latencyMs[index];
    case "output_token_throughput_per_user":
      return 1000 / run.itlMs[index];
  }
  return undefined;
}

export const PREDICTED_SLO_METRICS = ["time_to_first_token", "inter_token_latency", "request_latency", "output_token_throughput_per_user"];

/**
 * aiperf's goodput (good_request_count_metric.py): a request is good when it meets every SLO. A
 * request with no ITL (one output token) has no value for an ITL SLO and aiperf does not count it
 * good; here, as there, the fraction is of all requests.
 */
export function predictedGoodput(run: StackRun, slos: Slos): PredictedGoodput | null {
  const metrics = Object.keys(slos);
  if (metrics.some((metric) => !PREDICTED_SLO_METRICS.includes(metric) || !(metric in SLO_METRICS))) return null;
  const total = run.ttftMs.length;
  let good = 0;
  for (let i = 0; i < total; i++) {
    if (
      metrics.every((metric) => {
        const value = predictedMetric(run, metric, i);
        return value !== undefined && !Number.isNaN(value) && meetsSlo(metric, value, slos[metric]);
      })
    )
      good++;
  }
  return { slos, good, total, fraction: total > 0 ? good / total : 0 };
}

export function simulateTrace(trace: LoadedTrace, model: StackModel, slos: Slos): SimulationReport {
  return simulateTraceRun(trace, model, slos).report;
}

/** To the µs: finer is noise, and it keeps a line short. */
const micro = (ms: number) => Math.round(ms * 1000) / 1000;

/** Every request's prediction, in trace order, as `simulate --requests-out` writes them. */
export function* predictedRequests(trace: LoadedTrace, run: StackRun): Generator<PredictedRequest> {
  for (let i = 0; i < trace.requests.length; i++) {
    const { timestamp, input_length } = trace.requests[i];
    const itl = run.itlMs[i];
    yield {
      index: i,
      timestamp,
      inputLength: input_length,
      worker: run.routedWorker[i],
      ...(run.decodeWorker[i] >= 0 && { decodeWorker: run.decodeWorker[i] }),
      hitTokens: run.hitTokens[i],
      ttftMs: micro(run.ttftMs[i]),
      itlMs: Number.isNaN(itl) ? null : micro(itl),
      endMs: micro(timestamp + run.latencyMs[i]),
    };
  }
}

/** A simulation's figures, as a range's end holds them: null latencies where it served no request. */
function endFigures(run: StackRun, slos: Slos): RangeEnd {
  return {
    latency: {
      timeToFirstToken: percentiles(run.ttftMs),
      interTokenLatency: percentiles(run.itlMs),
      requestLatency: percentiles(run.latencyMs),
    },
    goodput: predictedGoodput(run, slos)?.fraction ?? null,
  };
}

/**
 * The best or the worst of each figure over the point and both ends: each end's simulation is not
 * ordered against the point figure by figure (in disagg, faster prefill lets more requests decode
 * together, and the fast end's ITL p50 can be above the point's), and a range that did not hold
 * the point would not bound it. A figure some simulation lacks has no range: null at both ends.
 */
function envelope(figures: RangeEnd[], which: "fast" | "slow"): RangeEnd {
  // Lower latency is better, and more goodput: the fast end takes the least of one and the most of the other.
  const [latencyAt, goodputAt] = which === "fast" ? [Math.min, Math.max] : [Math.max, Math.min];
  const latency = (of: (end: RangeEnd) => Percentiles | null): Percentiles | null => {
    const all = figures.map(of);
    if (all.some((values) => values === null)) return null;
    const at = (p: keyof Percentiles) => latencyAt(...all.map((values) => values![p]));
    return { p50: at("p50"), p90: at("p90"), p99: at("p99"), avg: at("avg") };
  };
  const goodputs = figures.map((end) => end.goodput);
  return {
    latency: {
      timeToFirstToken: latency((end) => end.latency.timeToFirstToken),
      interTokenLatency: latency((end) => end.latency.interTokenLatency),
      requestLatency: latency((end) => end.latency.requestLatency),
    },
    goodput: goodputs.some((goodput) => goodput === null) ? null : goodputAt(...(goodputs as number[])),
  };
}

/**
 * The model's range: every named span at its fast end, then at its slow end, each figure the best
 * (fast) or the worst (slow) of those two simulations and the point's, so that fast ≤ point ≤ slow in
 * every latency and fast ≥ point ≥ slow in goodput. Null when the model has none, or none that moves this stack.
 */
function predictionRange(trace: LoadedTrace, model: StackModel, slos: Slos, point: RangeEnd): PredictionRange | null {
  if (!model.uncertainty) return null;
  const spans = namedSpans(model.uncertainty, model.decodeWorkers > 0);
  if (spans.length === 0) return null;
  const ends = (["fast", "slow"] as const).map((which) => endFigures(simulateStack(trace.requests, atEnd(model, which)), slos));
  return { fast: envelope([point, ...ends], "fast"), slow: envelope([point, ...ends], "slow"), spans };
}

/** The report, and the run it summarizes, whose per-request arrays (about 60 bytes a request) live as long as it is kept. */
/** Each served request's KV transfer, ms; NaN for one not served, which percentiles leave out as they do its TTFT. */
function servedTransfers(trace: LoadedTrace, model: StackModel, run: StackRun): Float64Array {
  return Float64Array.from(trace.requests, (request, i) => (Number.isNaN(run.ttftMs[i]) ? NaN : kvTransferMs(model, request.input_length)));
}

export function simulateTraceRun(trace: LoadedTrace, model: StackModel, slos: Slos): { report: SimulationReport; run: StackRun } {
  const run = simulateStack(trace.requests, model);
  const unbounded = unboundedCache(trace, model.engine.blockSize);
  const cached = maxMean(run.cachedTokensPerWorker);
  const capacity = model.engine.kvCapacityTokens;
  const point = endFigures(run, slos);
  const report: SimulationReport = {
    engineModel: model.engineModel,
    policy: model.policy,
    workers: model.routedWorkers,
    decodeWorkers: model.decodeWorkers,
    capacityTokensPerWorker: capacity,
    perfModel: model.perf.describe,
    tensorParallel: model.perf.tensorParallel ?? null,
    hitRate: run.references > 0 ? run.hitBlocks / run.references : 0,
    bound: unbounded.hitRate,
    prefillTokens: { computed: run.prefillTokens, unbounded: unbounded.prefillTokens, input: trace.inputTokens },
    load: { requests: maxMean(run.requestsPerWorker), prefillTokens: maxMean(run.prefillTokensPerWorker) },
    cachedTokensPerWorker: { ...cached, capacityFraction: capacity > 0 ? cached.max / capacity : 0 },
    latency: point.latency,
    kvTransferMs: model.decodeWorkers > 0 ? percentiles(servedTransfers(trace, model, run)) : null,
    goodput: predictedGoodput(run, slos),
    range: predictionRange(trace, model, slos, point),
    requests: trace.requests.length,
    preemptions: run.preemptions,
    refused: run.refused,
    unserved: run.unserved,
    settings: {
      slos,
      blockSize: model.engine.blockSize,
      maxBatchedTokens: model.engine.maxBatchedTokens,
      maxNumSeqs: model.engine.maxNumSeqs,
      router: model.policy === "kv" ? { overlapWeight: model.overlapWeight, temperature: model.temperature } : null,
      seed: model.seed,
      kvTransfer: model.decodeWorkers > 0 ? { gbps: model.transferGBps, bytesPerToken: model.kvBytesPerToken } : null,
    },
  };
  return { report, run };
}

/** Capacities from 10^4 to 10^9 tokens per worker, half a decade apart. */
export const SWEEP_CAPACITIES = Array.from({ length: 11 }, (_, i) => Math.round(10 ** (4 + i / 2)));

export interface SweepPoint {
  capacityTokens: number;
  hitRate: number;
  /** Requests no worker of that capacity holds: refused, their blocks counted with no hit. */
  refused: number;
}

export function capacitySweep(trace: LoadedTrace, model: StackModel): SweepPoint[] {
  return SWEEP_CAPACITIES.map((capacityTokens) => {
    const run = simulateStack(trace.requests, { ...model, engine: { ...model.engine, kvCapacityTokens: capacityTokens } });
    return { capacityTokens, hitRate: run.references > 0 ? run.hitBlocks / run.references : 0, refused: run.refused };
  });
}
