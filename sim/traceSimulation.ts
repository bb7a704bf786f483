import { BlockTally } from "../trace/blockTally";
import { forEachTraceRequest, type TraceReadOptions, type TraceRequest } from "../trace/traceFile";
import { DEFAULT_TIME_MODEL, simulateWorkers, type SimulationOptions, type WorkerSimulation } from "./simulate";

export interface LoadedTrace {
  /** In timestamp order. */
  requests: TraceRequest[];
  /** The trace's cache efficiency: the hit rate of one unbounded prefix cache, the most any routing gets. */
  bound: number;
  inputTokens: number;
  /** Input tokens one unbounded prefix cache would still prefill. */
  unboundedPrefillTokens: number;
  skippedLines: number[];
}

export async function loadTrace(path: string, options: TraceReadOptions = {}): Promise<LoadedTrace> {
  const requests: TraceRequest[] = [];
  const tally = new BlockTally();
  let inputTokens = 0;
  const read = await forEachTraceRequest(
    path,
    (request) => {
      tally.addRequest(requests.length, request.hash_ids);
      inputTokens += request.input_length;
      requests.push(request);
    },
    options,
  );
  requests.sort((a, b) => a.timestamp - b.timestamp);
  const unbounded = simulateWorkers(requests, {
    policy: "round-robin",
    workers: 1,
    capacityTokens: Infinity,
    overlapWeight: 1,
    seed: 0,
    timeModel: DEFAULT_TIME_MODEL,
  });
  return {
    requests,
    bound: tally.references > 0 ? (tally.references - tally.unique) / tally.references : 0,
    inputTokens,
    unboundedPrefillTokens: unbounded.prefillTokens,
    skippedLines: read.skippedLines,
  };
}

/** One simulation, in the shape `simulate --json` prints. */
export interface SimulationReport {
  policy: WorkerSimulation["policy"];
  workers: number;
  capacityTokensPerWorker: number;
  hitRate: number;
  bound: number;
  prefillTokens: { computed: number; unbounded: number; input: number };
  load: WorkerSimulation["load"];
  cachedTokensPerWorker: WorkerSimulation["cachedTokens"] & { capacityFraction: number };
}

export function simulateTrace(trace: LoadedTrace, options: SimulationOptions): SimulationReport {
  const run = simulateWorkers(trace.requests, options);
  return {
    policy: run.policy,
    workers: run.workers,
    capacityTokensPerWorker: run.capacityTokensPerWorker,
    hitRate: run.hitRate,
    bound: trace.bound,
    prefillTokens: { computed: run.prefillTokens, unbounded: trace.unboundedPrefillTokens, input: trace.inputTokens },
    load: run.load,
    cachedTokensPerWorker: {
      ...run.cachedTokens,
      capacityFraction: options.capacityTokens > 0 ? run.cachedTokens.max / options.capacityTokens : 0,
    },
  };
}

/** Capacities from 10^4 to 10^9 tokens per worker, half a decade apart. */
export const SWEEP_CAPACITIES = Array.from({ length: 11 }, (_, i) => Math.round(10 ** (4 + i / 2)));

export interface SweepPoint {
  capacityTokens: number;
  hitRate: number;
}

export function capacitySweep(trace: LoadedTrace, options: Omit<SimulationOptions, "capacityTokens">): SweepPoint[] {
  return SWEEP_CAPACITIES.map((capacityTokens) => ({
    capacityTokens,
    hitRate: simulateWorkers(trace.requests, { ...options, capacityTokens }).hitRate,
  }));
}
