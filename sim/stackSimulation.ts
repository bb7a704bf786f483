import type { TraceRequest } from "./trace/traceFile";
import { passBound } from "./passBound";
import type { Uncertainty } from "./spans";
import { promptBlocks, promptPrefix, type PromptBlocks } from "./promptBlocks";
import { EventQueue } from "./eventQueue";
import type { PerfModel } from "./perfModel";
import { PrefixCache } from "./prefixCache";
import { poolRouter, seeded, type Booking } from "./routing";
import type { RoutingPolicy } from "../domain/variants";

/** A worker's engine, as vLLM's scheduler and Dynamo's mocker see it. */
export interface EngineSettings {
  kvCapacityTokens: number;
  blockSize: number;
  /** The token budget of one pass: vLLM's and the mocker's default, 8192. */
  maxBatchedTokens: number;
  /** Requests running at once: vLLM's and the mocker's default, 256. */
  maxNumSeqs: number;
}

/**
 * How a worker's engine is modelled. mocker: Dynamo's mocker, rule for rule (mockerStack.ts). vllm:
 * this project's model of vLLM, which charges prefill tokens for attention over the prefix before them.
 */
export const ENGINE_MODELS = ["mocker", "vllm"] as const;
export type EngineModel = (typeof ENGINE_MODELS)[number];

export interface StackModel {
  engineModel: EngineModel;
  policy: RoutingPolicy;
  /** The workers requests are routed to first: agg's workers, or disagg's prefill workers. */
  routedWorkers: number;
  /** Decode workers of a disaggregated graph; 0 for agg. */
  decodeWorkers: number;
  engine: EngineSettings;
  perf: PerfModel;
  overlapWeight: number;
  temperature: number;
  seed: number;
  kvBytesPerToken: number;
  /** Bandwidth of the KV transfer from prefill to decode worker, in GB/s; Infinity for none. */
  transferGBps: number;
  /** What a disaggregated request pays at its handoff beyond the KV transfer, ms. */
  handoffOverheadMs: number;
  /** The spans an uncalibrated prediction's range is drawn from; null for a point. */
  uncertainty: Uncertainty | null;
}

/** Every request's latencies, in trace order (ms); ITL is NaN for a request of one output token. */
export interface StackRun {
  ttftMs: Float64Array;
  itlMs: Float64Array;
  latencyMs: Float64Array;
  /** From arrival until a routed worker takes the request into a pass. */
  queueMs: Float64Array;
  /** The routed worker (agg's, or disagg's prefill worker) of each request. */
  routedWorker: Int32Array;
  /** The decode worker of each request in disagg; -1 in agg. */
  decodeWorker: Int32Array;
  /** Prompt tokens each request's routed worker served from its prefix cache, so did not prefill. */
  hitTokens: Float64Array;
  /** Engine blocks served from the routed workers' prefix caches, of all the requests' blocks. */
  hitBlocks: number;
  references: number;
  prefillTokens: number;
  requestsPerWorker: Float64Array;
  prefillTokensPerWorker: Float64Array;
  cachedTokensPerWorker: Float64Array;
  /** Engine passes run, on every worker: at most `passBound` of the requests (plus what preemptions undid). */
  passes: number;
  /** Requests a worker preempted to free KV blocks (the mocker model; the vllm model makes them wait). */
  preemptions: number;
  /** Requests refused because they need more blocks than a worker's whole KV. Their latencies are NaN. */
  refused: number;
  /**
   * Requests never served: stuck behind a preempted request that waits for KV the waiting ones hold, as the
   * mocker's own queue would leave them (the mocker model). Their latencies are NaN, left out of percentiles.
   */
  unserved: number;
  /** With `collectFeatures`: what each request's TTFT and ITL are made of, for calibration. */
  features?: LatencyFeatures;
}

/**
 * A pass's time is linear in the timing polynomials' coefficients (see `PolynomialCoefficients`):
 * [a prefill pass, Σ new tokens, Σ ((context + new)² − context²), a decode step, its KV fraction u,
 * u²]. Summed over the passes a request waits through and runs in, they make its TTFT and ITL
 * linear in the coefficients too, for the schedule the simulation chose. The seventh feature is a
 * disaggregated request's handoff, once, whose coefficient is the handoff overhead.
 */
export const FEATURES = 7;
export const HANDOFF_FEATURE = 6;

export interface LatencyFeatures {
  /** Request i's TTFT = ttft[7i … 7i+6] · coefficients + ttftConstantMs[i] (the KV transfer). */
  ttft: Float64Array;
  ttftConstantMs: Float64Array;
  /** Request i's ITL = itl[7i … 7i+6] · coefficients; zeros for a request of one output token. */
  itl: Float64Array;
}

type Role = "agg" | "prefill" | "decode";

interface Live {
  index: number;
  arrival: number;
  input: number;
  output: number;
  blocks: PromptBlocks;
  computed: number;
  generated: number;
  firstTokenAt: number;
  booking: Booking | undefined;
  /** Feature sums at the start of its current wait, at its first token, and before its handoff. */
  base?: Float64Array;
  first?: Float64Array;
  before?: Float64Array;
}

interface Pass {
  chunks: [Live, number][];
  decoding: Live[];
  start: number;
  end: number;
  features: Float64Array;
}

class Worker {
  readonly waiting: Live[] = [];
  waitingHead = 0;
  running: Live[] = [];
  busy = false;
  kvTokens = 0;
  /** The features of every pass ended so far, summed, and the pass in flight. */
  readonly passed = new Float64Array(FEATURES);
  current: Pass | undefined;

  constructor(
    readonly role: Role,
    readonly index: number,
    readonly cache: PrefixCache,
  ) {}

  hasWork(): boolean {
    return this.running.length > 0 || this.waitingHead < this.waiting.length;
  }
}

type Event = { kind: "pass"; worker: Worker; pass: Pass } | { kind: "handoff"; request: Live };

/**
 * Replays requests, in timestamp order, through the stack: routing, each worker's passes, and in
 * disagg the KV transfer and the decode workers. A discrete-event model: time jumps from one
 * pass's end, arrival or handoff to the next.
 *
 * A pass, as the mocker's vLLM core builds it (ai-dynamo/dynamo `lib/mocker/src/scheduler/vllm/core.rs`):
 * the running requests first, in order, one token each when decoding or a chunk of their prompt
 * when prefilling, within the token budget; then waiting requests, first come first served, while
 * fewer than the maximum run and their prompt fits in KV. Its time is the prefill time of its
 * chunks plus one decode step for every request that emits a token, the first included.
 * Prefill workers decode nothing: their requests leave at the end of prefill, and after the KV
 * transfer (prompt tokens × KV bytes per token over the bandwidth) a decode worker emits the first
 * token in its next pass. Not modelled: preemption (a request that does not fit waits instead). A
 * request that would not fit in a whole KV is refused.
 */
export function simulateVllmStack(requests: readonly TraceRequest[], model: StackModel, collectFeatures = false): StackRun {
  const { engine, perf } = model;
  const disagg = model.decodeWorkers > 0;
  const capacityBlocks = Math.floor(engine.kvCapacityTokens / engine.blockSize);
  const routed = Array.from(
    { length: model.routedWorkers },
    (_, i) => new Worker(disagg ? "prefill" : "agg", i, new PrefixCache(capacityBlocks)),
  );
  // The recipe's decode workers run with --no-enable-prefix-caching.
  const decoders = Array.from({ length: model.decodeWorkers }, (_, i) => new Worker("decode", i, new PrefixCache(0)));
  const random = seeded(model.seed);
  const base = { blockSize: engine.blockSize, overlapWeight: model.overlapWeight, temperature: model.temperature };
  // Dynamo 1.3 (lib/llm/src/discovery/watcher.rs, kv_router/prefill_router @ 4cba833f): the prefill
  // workers' router tracks no active blocks; the decode workers' has no overlap and no prefill load.
  const routedRouter = poolRouter(
    model.policy,
    routed.map((worker) => worker.cache),
    { ...base, trackActiveBlocks: !disagg, useOverlap: true, trackPrefillTokens: true },
    random,
  );
  const decodeRouter = poolRouter(
    model.policy,
    decoders.map((worker) => worker.cache),
    { ...base, trackActiveBlocks: true, useOverlap: false, trackPrefillTokens: false },
    random,
  );

  const count = requests.length;
  const run: StackRun = {
    ttftMs: new Float64Array(count),
    itlMs: new Float64Array(count),
    latencyMs: new Float64Array(count),
    queueMs: new Float64Array(count),
    routedWorker: new Int32Array(count),
    decodeWorker: new Int32Array(count).fill(-1),
    hitTokens: new Float64Array(count),
    hitBlocks: 0,
    references: 0,
    prefillTokens: 0,
    requestsPerWorker: new Float64Array(routed.length),
    prefillTokensPerWorker: new Float64Array(routed.length),
    cachedTokensPerWorker: new Float64Array(routed.length),
    passes: 0,
    preemptions: 0,
    refused: 0,
    unserved: 0,
  };
  const maxPasses = passBound(requests);
  const features: LatencyFeatures | undefined = collectFeatures
    ? { ttft: new Float64Array(count * FEATURES), ttftConstantMs: new Float64Array(count), itl: new Float64Array(count * FEATURES) }
    : undefined;
  run.features = features;
  const events = new EventQueue<Event>();
  const transferMsPerToken = Number.isFinite(model.transferGBps) ? model.kvBytesPerToken / (model.transferGBps * 1e6) : 0;

  /** The features since `from` (and `plus`), into `into` at request i's place. */
  const since = (into: Float64Array, index: number, worker: Worker, from: Float64Array, plus?: Float64Array, scale = 1) => {
    for (let k = 0; k < FEATURES; k++) into[index * FEATURES + k] = (worker.passed[k] - from[k] + (plus?.[k] ?? 0)) * scale;
  };
  const firstToken = (worker: Worker, request: Live, now: number) => {
    request.firstTokenAt = now;
    if (!features) return;
    since(features.ttft, request.index, worker, request.base!, request.before);
    request.first = Float64Array.from(worker.passed);
  };

  const finish = (worker: Worker, request: Live, now: number) => {
    if (features && request.output > 1) since(features.itl, request.index, worker, request.first!, undefined, 1 / (request.output - 1));
    run.ttftMs[request.index] = request.firstTokenAt - request.arrival;
    run.latencyMs[request.index] = now - request.arrival;
    run.itlMs[request.index] = request.output > 1 ? (now - request.firstTokenAt) / (request.output - 1) : NaN;
    worker.kvTokens -= request.input + request.generated;
    if (request.booking) (worker.role === "decode" ? decodeRouter : routedRouter).free(request.booking);
  };

  /**
   * vLLM registers a request's full blocks in its prefix cache as it schedules them, not once they are
   * computed (vllm-project/vllm@003df296 `vllm/v1/core/kv_cache_manager.py` `allocate_slots` caches up
   * to the computed and the new tokens): a request admitted after it, in the same pass or a later one,
   * finds them, as do the router's KV events.
   */
  const schedule = (worker: Worker, pass: Pass, request: Live, take: number) => {
    pass.chunks.push([request, take]);
    if (take > 0) worker.cache.insert(promptPrefix(request.blocks, Math.floor((request.computed + take) / engine.blockSize)));
  };

  /**
   * A request that would not fit in a worker's whole KV: the mocker model refuses it (mockerStack.ts),
   * and so does this one. vLLM itself does not start with a KV smaller than its max_model_len, so only
   * a smaller `--capacity-tokens` meets this. A prefill worker holds the prompt and one token.
   */
  const neverFits = (worker: Worker, request: Live) =>
    Math.ceil((request.input + (worker.role === "prefill" ? 1 : request.output)) / engine.blockSize) > capacityBlocks;

  const refuse = (worker: Worker, request: Live) => {
    run.refused++;
    // Its blocks are references too, none of them served from a cache: the hit rate stays of every request.
    if (worker.role !== "decode") run.references += request.blocks.total;
    run.ttftMs[request.index] = NaN;
    run.itlMs[request.index] = NaN;
    run.latencyMs[request.index] = NaN;
    if (request.booking) (worker.role === "decode" ? decodeRouter : routedRouter).free(request.booking);
    request.booking = undefined;
  };

  const startPass = (worker: Worker, now: number) => {
    let budget = engine.maxBatchedTokens;
    const pass: Pass = { chunks: [], decoding: [], start: now, end: now, features: new Float64Array(FEATURES) };
    for (const request of worker.running) {
      if (budget <= 0) break;
      if (request.computed < request.input) {
        const take = Math.min(request.input - request.computed, budget);
        schedule(worker, pass, request, take);
        budget -= take;
      } else {
        pass.decoding.push(request);
        budget -= 1;
      }
    }
    while (worker.waitingHead < worker.waiting.length && worker.running.length < engine.maxNumSeqs && budget > 0) {
      const request = worker.waiting[worker.waitingHead];
      if (neverFits(worker, request)) {
        worker.waitingHead++;
        refuse(worker, request);
        continue;
      }
      if (worker.running.length > 0 && worker.kvTokens + request.input > engine.kvCapacityTokens) break;
      worker.waitingHead++;
      worker.running.push(request);
      worker.kvTokens += request.input;
      if (worker.role === "decode") {
        request.computed = request.input;
        pass.decoding.push(request);
        budget -= 1;
        continue;
      }
      run.queueMs[request.index] = now - request.arrival;
      const hit = worker.cache.matchPrefix(request.blocks);
      run.hitBlocks += hit;
      run.references += request.blocks.total;
      // vLLM computes at least the prompt's last token, even when all of it is cached.
      request.computed = Math.max(0, Math.min(hit * engine.blockSize, request.input - 1));
      run.hitTokens[request.index] = request.computed;
      run.prefillTokens += request.input - request.computed;
      run.prefillTokensPerWorker[worker.index] += request.input - request.computed;
      const take = Math.min(request.input - request.computed, budget);
      schedule(worker, pass, request, take);
      budget -= take;
    }
    if (worker.waitingHead > 1024 && worker.waitingHead * 2 > worker.waiting.length) {
      worker.waiting.splice(0, worker.waitingHead);
      worker.waitingHead = 0;
    }
    // Every request it could have taken was refused.
    if (pass.chunks.length === 0 && pass.decoding.length === 0) return;
    let prefillMs = 0;
    let prefilling = 0;
    for (const [request, take] of pass.chunks) {
      if (take > 0) prefilling++;
      prefillMs += perf.prefillMs(request.computed, take);
    }
    if (prefilling > 0) prefillMs += perf.prefillPassMs;
    let decodeMs = 0;
    if (worker.role !== "prefill") {
      let emitting = pass.decoding.length;
      let context = 0;
      for (const request of pass.decoding) context += request.input + request.generated;
      for (const [request, take] of pass.chunks) {
        if (request.computed + take >= request.input) {
          emitting++;
          context += request.input;
        }
      }
      if (emitting > 0) decodeMs = perf.decodeMs(worker.kvTokens, context / emitting);
    }
    if (features) {
      let squares = 0;
      let tokens = 0;
      for (const [request, take] of pass.chunks) {
        tokens += take;
        squares += (request.computed + take) ** 2 - request.computed ** 2;
      }
      const decoding = decodeMs > 0 ? 1 : 0;
      const used = worker.kvTokens / engine.kvCapacityTokens;
      pass.features.set([prefilling > 0 ? 1 : 0, tokens, squares, decoding, decoding * used, decoding * used * used]);
    }
    // A broken invariant here would loop for ever: fail loudly instead (a bug, not the user's input).
    if (++run.passes > maxPasses) throw new Error(`simulateVllmStack: more than ${maxPasses} passes, the bound for these requests`);
    worker.busy = true;
    pass.start = now;
    pass.end = now + prefillMs + decodeMs;
    worker.current = pass;
    events.push(pass.end, { kind: "pass", worker, pass });
  };

  const enqueue = (worker: Worker, request: Live, now: number, start = true) => {
    if (features) {
      // Waiting through the rest of the pass in flight: the part of it still to run.
      const pass = worker.busy ? worker.current! : undefined;
      const rest = pass && pass.end > pass.start ? (pass.end - now) / (pass.end - pass.start) : 0;
      request.base = Float64Array.from(worker.passed, (sum, k) => sum + (pass ? (1 - rest) * pass.features[k] : 0));
    }
    worker.waiting.push(request);
    if (start && !worker.busy) startPass(worker, now);
  };

  /**
   * Workers that requests reached at this instant, whose pass waits until every request of the instant
   * has arrived: vLLM's engine drains its whole input queue before it schedules a step
   * (vllm-project/vllm@00080ee1 `vllm/v1/engine/core.py` `_process_input_queue`), as the mocker's
   * `live.rs` does, so requests that arrive together share the first pass.
   */
  const reached = new Set<Worker>();

  const endPass = (worker: Worker, pass: Pass, now: number) => {
    for (let k = 0; k < FEATURES; k++) worker.passed[k] += pass.features[k];
    const done = new Set<Live>();
    for (const [request, take] of pass.chunks) {
      request.computed += take;
      if (request.computed < request.input) continue;
      worker.cache.insert(request.blocks);
      const router = routedRouter;
      if (request.booking) router.prefillDone(request.booking);
      if (worker.role === "prefill") {
        done.add(request);
        worker.kvTokens -= request.input;
        if (request.booking) router.free(request.booking);
        request.booking = undefined;
        const transferMs = request.input * transferMsPerToken;
        if (features) {
          request.before = Float64Array.from(worker.passed, (sum, k) => sum - request.base![k]);
          request.before[HANDOFF_FEATURE] = 1;
          features.ttftConstantMs[request.index] = transferMs;
        }
        events.push(now + transferMs + model.handoffOverheadMs, { kind: "handoff", request });
        continue;
      }
      request.generated = 1;
      firstToken(worker, request, now);
      worker.kvTokens += 1;
      if (request.generated >= request.output) {
        done.add(request);
        finish(worker, request, now);
      }
    }
    for (const request of pass.decoding) {
      if (request.generated === 0) firstToken(worker, request, now);
      request.generated++;
      worker.kvTokens += 1;
      if (request.generated >= request.output) {
        done.add(request);
        finish(worker, request, now);
      }
    }
    if (done.size > 0) worker.running = worker.running.filter((request) => !done.has(request));
    worker.busy = false;
    if (worker.hasWork()) startPass(worker, now);
  };

  let next = 0;
  while (next < count || events.size > 0) {
    if (next < count && requests[next].timestamp < events.peekTime()) {
      const trace = requests[next];
      const request: Live = {
        index: next,
        arrival: trace.timestamp,
        input: trace.input_length,
        output: Math.max(1, trace.output_length),
        blocks: promptBlocks(trace, engine.blockSize),
        computed: 0,
        generated: 0,
        firstTokenAt: 0,
        booking: undefined,
      };
      next++;
      request.booking = routedRouter.route({ blocks: request.blocks, inputTokens: request.input });
      const worker = routed[request.booking.worker];
      run.routedWorker[next - 1] = worker.index;
      run.requestsPerWorker[worker.index]++;
      enqueue(worker, request, request.arrival, false);
      reached.add(worker);
      if (next >= count || requests[next].timestamp !== request.arrival) {
        for (const idle of reached) if (!idle.busy) startPass(idle, request.arrival);
        reached.clear();
      }
      continue;
    }
    const { time, event } = events.pop();
    if (event.kind === "pass") {
      endPass(event.worker, event.pass, time);
    } else {
      const request = event.request;
      request.computed = 0;
      request.booking = decodeRouter.route({ blocks: request.blocks, inputTokens: request.input });
      run.decodeWorker[request.index] = request.booking.worker;
      enqueue(decoders[request.booking.worker], request, time);
    }
  }
  routed.forEach((worker, i) => (run.cachedTokensPerWorker[i] = worker.cache.size * engine.blockSize));
  return run;
}
