import type { TraceRequest } from "./trace/traceFile";
import { promptBlocks, TRACE_BLOCK_TOKENS, type PromptBlocks } from "./promptBlocks";
import { EventQueue } from "./eventQueue";
import { MockerKvPool, type BlockKey } from "./mockerKvPool";
import { poolRouter, seeded, type Booking } from "./routing";
import { passBound } from "./passBound";
import type { StackModel, StackRun } from "./stackSimulation";

/*
 * Dynamo's mocker, rule for rule, at the release the mock stacks run (1.3: ai-dynamo/dynamo@4cba833f).
 * Sources, under lib/mocker/src/: scheduler/vllm/core.rs (`execute_pass_internal`, `schedule_request`,
 * `emit_ready_tokens`, `predict_prefill_duration`, `scale_decode_time`, `policy_preempt`),
 * scheduler/vllm/policy.rs (`decide_waiting_admission`), scheduler/vllm/live.rs (the pass loop),
 * common/sequence.rs (blocks of a sequence), common/perf_model.rs, common/utils.rs (the KV handoff),
 * common/protocols.rs (defaults: LIFO preemption, chunked prefill, prefix caching on).
 * Not modelled: KV offload, speculative decoding, data parallelism: all off in the mock stacks.
 */

type Role = "agg" | "prefill" | "decode";

/** One request's sequence on one worker: `ActiveSequence` and its scheduler state. */
interface Sequence {
  request: Live;
  input: number;
  maxOutput: number;
  /** Prompt and generated tokens. */
  length: number;
  generated: number;
  computed: number;
  allocated: number;
  /** The full blocks' keys, in order; a partial block may follow them. */
  keys: BlockKey[];
  hasPartial: boolean;
  status: "waiting" | "running" | "preempted" | "done";
  fresh: boolean;
  /** A decode worker's request, whose prompt arrived with its KV: admitted without prefill. */
  materialized: boolean;
  admitted: boolean;
}

interface Live {
  index: number;
  arrival: number;
  input: number;
  output: number;
  blocks: PromptBlocks;
  firstTokenAt: number;
  booking: Booking | undefined;
}

interface Emission {
  sequence: Sequence;
  completed: boolean;
}

interface Scheduled {
  tokens: number;
  promptTokens: number;
  prefix: number;
}

/** One pass's bookkeeping while it is built: the token budget, the prefill batch, what was scheduled. */
interface PassPlan {
  budget: number;
  scheduled: Map<Sequence, Scheduled>;
  count: number;
  totalIsl: number;
  totalPrefix: number;
  preemptedAny: boolean;
}

class MockerWorker {
  readonly waiting: Sequence[] = [];
  running: Sequence[] = [];
  /** Decode requests whose KV blocks could not yet be reserved, first come first served. */
  readonly pending: Sequence[] = [];
  busy = false;

  constructor(
    readonly role: Role,
    readonly index: number,
    readonly pool: MockerKvPool,
    readonly prefixCaching: boolean,
  ) {}

  hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0;
  }
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * Replays requests through a stack of mocker workers. The same routing as `simulateStack`; the
 * engine is the mocker's:
 * - a pass schedules the running requests first, then admits waiting ones, first come first served,
 *   while a block-counted check lets them in (`decide_waiting_admission`): blocks the sequence needs,
 *   less those already active, against the blocks no request holds; a prompt longer than the whole
 *   KV is refused;
 * - a pass's prefill costs the TTFT curve once, at its requests' new tokens together, computed as
 *   count × (⌊Σ prompt covered / count⌋ − ⌊Σ prefix / count⌋) with integers, as `predict_prefill_duration` does;
 *   a cached prefix costs nothing, and a prompt cached whole prefills nothing at all;
 * - every request whose tokens are all computed emits one token, the first included, after one
 *   decode step priced at the active blocks × block size (at least 1 ms); prefill workers' steps cost 0;
 * - a block that cannot be had preempts the newest running request (vLLM's LIFO), whose blocks are
 *   freed and which waits at the queue's head to be computed again;
 * - requests that reach an idle worker at the same instant start its pass together (live.rs drains
 *   its queue before each pass), and those that arrive during a pass wait for its end.
 * Times are divided by the speedup ratio inside the perf model.
 */
export function simulateMockerStack(requests: readonly TraceRequest[], model: StackModel): StackRun {
  const { engine, perf } = model;
  const blockSize = engine.blockSize;
  const capacityBlocks = Math.floor(engine.kvCapacityTokens / blockSize);
  const perTraceBlock = TRACE_BLOCK_TOKENS / blockSize;
  const disagg = model.decodeWorkers > 0;
  const routed = Array.from(
    { length: model.routedWorkers },
    (_, i) => new MockerWorker(disagg ? "prefill" : "agg", i, new MockerKvPool(capacityBlocks, blockSize), true),
  );
  // The mock stacks' decode workers run with --no-enable-prefix-caching, as the recipe's do.
  const decoders = Array.from(
    { length: model.decodeWorkers },
    (_, i) => new MockerWorker("decode", i, new MockerKvPool(capacityBlocks, blockSize), false),
  );
  const random = seeded(model.seed);
  const base = { blockSize, overlapWeight: model.overlapWeight, temperature: model.temperature };
  const routedRouter = poolRouter(
    model.policy,
    routed.map((worker) => worker.pool),
    { ...base, trackActiveBlocks: !disagg, useOverlap: true, trackPrefillTokens: true },
    random,
  );
  const decodeRouter = poolRouter(
    model.policy,
    decoders.map((worker) => worker.pool),
    { ...base, trackActiveBlocks: true, useOverlap: false, trackPrefillTokens: false },
    random,
  );

  const count = requests.length;
  const run: StackRun = {
    ttftMs: new Float64Array(count).fill(NaN),
    itlMs: new Float64Array(count).fill(NaN),
    latencyMs: new Float64Array(count).fill(NaN),
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
  // Every pass moves some sequence on by a token; a preemption can undo a sequence's tokens, which
  // raises the bound by as many.
  let maxPasses = passBound(requests);
  const transferMsPerToken =
    Number.isFinite(model.transferGBps) && model.transferGBps > 0 ? model.kvBytesPerToken / (model.transferGBps * 1e6) : 0;
  let nextUniqueKey = -1;

  const newSequence = (request: Live, role: Role, prefixCaching: boolean): Sequence => {
    const fullBlocks = Math.floor(request.input / blockSize);
    const keys: BlockKey[] = [];
    const shared = prefixCaching ? request.blocks.total : 0;
    for (let i = 0; i < request.blocks.ids.length && keys.length < shared; i++) {
      for (let k = 0; k < request.blocks.fills[i]; k++) keys.push(request.blocks.ids[i] * perTraceBlock + k);
    }
    while (keys.length < fullBlocks) keys.push(nextUniqueKey--);
    return {
      request,
      input: request.input,
      maxOutput: role === "prefill" ? 1 : request.output,
      length: request.input,
      generated: 0,
      computed: 0,
      allocated: 0,
      keys,
      hasPartial: request.input % blockSize !== 0,
      status: "waiting",
      fresh: true,
      materialized: false,
      admitted: false,
    };
  };

  const blockCount = (sequence: Sequence) => sequence.keys.length + (sequence.hasPartial ? 1 : 0);
  /** `MoveBlock::Use` for the blocks from `from` up to `to` (block indices). */
  const useBlocks = (worker: MockerWorker, sequence: Sequence, from: number, to: number): boolean => {
    const fullTo = Math.min(to, sequence.keys.length);
    return worker.pool.use(sequence.keys, Math.min(from, fullTo), fullTo, to - Math.max(from, fullTo));
  };

  /** `free_signal_for_tokens`: the blocks covering `tokens`, last first. */
  const releaseBlocks = (worker: MockerWorker, sequence: Sequence, tokens: number) => {
    const blocks = Math.min(ceilDiv(tokens, blockSize), blockCount(sequence));
    for (let b = blocks - 1; b >= 0; b--) {
      if (b >= sequence.keys.length) worker.pool.releasePartial();
      else worker.pool.releaseFull(sequence.keys[b], b > 0 ? sequence.keys[b - 1] : null);
    }
  };

  /** `get_prefill_cost`: the cached prefix in tokens, and the part of it active. */
  const prefillCost = (worker: MockerWorker, sequence: Sequence) => {
    let overlap = 0;
    let activeOverlap = 0;
    if (worker.prefixCaching) {
      for (const key of sequence.keys) {
        if (worker.pool.isActive(key)) {
          overlap++;
          activeOverlap++;
        } else if (worker.pool.isRegistered(key)) overlap++;
        else break;
      }
    }
    return {
      overlap,
      cached: Math.min(overlap * blockSize, sequence.input),
      activeCached: Math.min(activeOverlap * blockSize, sequence.input),
    };
  };

  /** `policy_preempt` with LIFO: the newest running request gives its blocks back and waits at the head. */
  const preemptNewest = (worker: MockerWorker, plan: PassPlan | undefined): Sequence | undefined => {
    const victim = worker.running.pop();
    if (!victim) return undefined;
    releaseBlocks(worker, victim, victim.allocated);
    maxPasses += victim.length + 1;
    victim.allocated = 0;
    victim.computed = 0;
    // Its KV is gone: a decode worker's request is no longer prebuilt (`prompt_is_prebuilt`) and is admitted as any other.
    victim.materialized = false;
    victim.status = "preempted";
    worker.waiting.unshift(victim);
    run.preemptions++;
    if (plan) {
      plan.preemptedAny = true;
      const undone = plan.scheduled.get(victim);
      if (undone) {
        plan.scheduled.delete(victim);
        plan.budget += undone.tokens;
        if (undone.promptTokens > 0 && worker.role !== "decode") {
          plan.count--;
          plan.totalIsl -= undone.prefix + undone.promptTokens;
          plan.totalPrefix -= undone.prefix;
        }
      }
    }
    return victim;
  };

  type Outcome = "scheduled" | "blocked" | "preempted";
  let lastTokensUsed = 0;

  /** `schedule_request`: a chunk of the sequence's known tokens within the budget, its blocks held first. */
  const schedule = (
    worker: MockerWorker,
    sequence: Sequence,
    fromWaiting: boolean,
    cached: number,
    now: number,
    plan: PassPlan,
  ): Outcome => {
    const before = sequence.computed + (sequence.computed === 0 ? cached : 0);
    const promptBefore = Math.min(before, sequence.input);
    const remaining = Math.max(0, sequence.length - before);
    const desired = Math.min(remaining, plan.budget);
    if (desired === 0 && remaining > 0) return "blocked";
    const target = before + desired;
    let actual = target;
    for (;;) {
      if (target <= sequence.allocated) break;
      const from = Math.min(ceilDiv(sequence.allocated, blockSize), blockCount(sequence));
      const to = Math.min(ceilDiv(target, blockSize), blockCount(sequence));
      if (to <= from || useBlocks(worker, sequence, from, to)) {
        sequence.allocated = target;
        break;
      }
      const victim = preemptNewest(worker, plan);
      if (!victim) {
        actual = before;
        break;
      }
      if (victim === sequence) return "preempted";
    }
    if (actual === target) sequence.computed = actual;
    const tokens = Math.max(0, actual - before);
    lastTokensUsed = tokens;
    if (tokens === 0 && actual < sequence.length) return "blocked";
    const promptTokens = Math.max(0, Math.min(actual, sequence.input) - promptBefore);
    plan.scheduled.set(sequence, { tokens, promptTokens, prefix: promptBefore });
    if (promptTokens > 0 && worker.role !== "decode") {
      plan.count++;
      plan.totalIsl += promptBefore + promptTokens;
      plan.totalPrefix += promptBefore;
    }
    if (fromWaiting) {
      worker.waiting.shift();
      worker.running.push(sequence);
      sequence.status = "running";
      if (!sequence.admitted && worker.role !== "decode") admitted(worker, sequence, cached, now);
      sequence.admitted = true;
      sequence.fresh = false;
    }
    plan.budget = Math.max(0, plan.budget - tokens);
    return "scheduled";
  };

  const admitted = (worker: MockerWorker, sequence: Sequence, cached: number, now: number) => {
    const request = sequence.request;
    const hitBlocks = Math.min(Math.floor(cached / blockSize), request.blocks.total);
    run.queueMs[request.index] = now - request.arrival;
    run.hitTokens[request.index] = cached;
    run.hitBlocks += hitBlocks;
    run.references += request.blocks.total;
    run.prefillTokens += request.input - cached;
    run.prefillTokensPerWorker[worker.index] += request.input - cached;
  };

  /** `emit_ready_tokens`'s token for one sequence: a new block when one starts, preempting for it if need be. */
  const emitToken = (worker: MockerWorker, sequence: Sequence): boolean => {
    for (;;) {
      if (sequence.status !== "running") return false;
      sequence.length++;
      sequence.generated++;
      const startsBlock = sequence.length % blockSize === 1;
      if (startsBlock) {
        if (sequence.hasPartial) {
          // The output's blocks hold the mocker's random tokens: no other prompt shares them.
          const key = nextUniqueKey--;
          sequence.keys.push(key);
          worker.pool.promote(key);
        }
        sequence.hasPartial = true;
        if (!worker.pool.use([], 0, 0, 1)) {
          sequence.length--;
          sequence.generated--;
          if (sequence.length % blockSize === 0) sequence.hasPartial = false;
          const victim = preemptNewest(worker, undefined);
          if (!victim || victim === sequence) return false;
          continue;
        }
        if (sequence.generated < sequence.maxOutput) sequence.allocated = sequence.length;
      }
      return true;
    }
  };

  /**
   * The mocker refuses a prompt longer than the whole KV (`decide_waiting_admission`). One whose prompt
   * fits but whose output then does not would preempt itself for ever, recomputing its prompt each
   * time: the mocker never ends it. Here it is refused as well, so that every simulation ends.
   */
  const neverFits = (sequence: Sequence) => ceilDiv(sequence.input + sequence.maxOutput, blockSize) > capacityBlocks;

  const refuse = (worker: MockerWorker, sequence: Sequence) => {
    worker.waiting.shift();
    run.refused++;
    const request = sequence.request;
    // Its blocks are references too, none of them served from a cache: the hit rate stays of every request.
    if (worker.role !== "decode") run.references += request.blocks.total;
    if (request.booking) (worker.role === "decode" ? decodeRouter : routedRouter).free(request.booking);
    request.booking = undefined;
  };

  /** `execute_pass_internal`: builds the pass, prices it, and emits its tokens; undefined when nothing moved. */
  const executePass = (worker: MockerWorker, now: number): { durationMs: number; emissions: Emission[] } | undefined => {
    const plan: PassPlan = {
      budget: engine.maxBatchedTokens,
      scheduled: new Map(),
      count: 0,
      totalIsl: 0,
      totalPrefix: 0,
      preemptedAny: false,
    };
    let preemptions = run.preemptions;
    for (let i = 0; i < worker.running.length && plan.budget > 0;) {
      const outcome = schedule(worker, worker.running[i], false, 0, now, plan);
      if (outcome === "scheduled") i++;
      else if (outcome === "blocked") break;
    }
    while (!plan.preemptedAny && worker.running.length < engine.maxNumSeqs && worker.waiting.length > 0) {
      const sequence = worker.waiting[0];
      let cached = 0;
      if (!sequence.materialized) {
        const known = ceilDiv(sequence.length, blockSize);
        if (sequence.fresh && neverFits(sequence)) {
          refuse(worker, sequence);
          continue;
        }
        const cost = prefillCost(worker, sequence);
        const needed = Math.max(0, known - Math.floor(cost.activeCached / blockSize));
        if (needed > capacityBlocks - worker.pool.activeBlocks) break;
        cached = cost.cached;
      }
      if (schedule(worker, sequence, true, cached, now, plan) !== "scheduled") break;
      if (lastTokensUsed === 0 && plan.budget === 0) break;
    }
    let prefillMs = 0;
    if (plan.count > 0 && worker.role !== "decode") {
      const newPerRequest = Math.floor(plan.totalIsl / plan.count) - Math.floor(plan.totalPrefix / plan.count);
      if (newPerRequest > 0) prefillMs = perf.prefillCurveMs(plan.count * newPerRequest);
    }
    const ready = worker.running.filter((sequence) => sequence.computed >= sequence.length && sequence.generated < sequence.maxOutput);
    let decodeMs = 0;
    const emissions: Emission[] = [];
    if (ready.length > 0 && worker.role !== "prefill") {
      let total = 0;
      for (const sequence of ready) total += sequence.length;
      decodeMs = perf.decodeMs(worker.pool.activeBlocks * blockSize, Math.floor(total / ready.length));
    }
    for (const sequence of ready) {
      if (!emitToken(worker, sequence)) continue;
      const completed = sequence.generated >= sequence.maxOutput;
      if (completed) {
        releaseBlocks(worker, sequence, sequence.length);
        sequence.status = "done";
        worker.running = worker.running.filter((other) => other !== sequence);
      }
      emissions.push({ sequence, completed });
    }
    if (emissions.length === 0) decodeMs = 0;
    preemptions = run.preemptions - preemptions;
    if (plan.scheduled.size === 0 && emissions.length === 0 && preemptions === 0) return undefined;
    return { durationMs: prefillMs + decodeMs, emissions };
  };

  type Event = { kind: "pass"; worker: MockerWorker; emissions: Emission[] } | { kind: "handoff"; request: Live };
  const events = new EventQueue<Event>();
  const kicked = new Set<MockerWorker>();

  /** A decode worker takes a prompt's KV: it must hold all of its blocks first (`reserve_destination_at`). */
  const reservePending = (worker: MockerWorker) => {
    while (worker.pending.length > 0) {
      const sequence = worker.pending[0];
      if (neverFits(sequence)) {
        worker.pending.shift();
        worker.waiting.unshift(sequence);
        refuse(worker, sequence);
        continue;
      }
      if (!useBlocks(worker, sequence, 0, blockCount(sequence))) return;
      worker.pending.shift();
      sequence.allocated = sequence.input;
      sequence.computed = sequence.input;
      sequence.materialized = true;
      worker.waiting.push(sequence);
    }
  };

  const startPass = (worker: MockerWorker, now: number) => {
    const pass = executePass(worker, now);
    if (!pass) return;
    if (++run.passes > maxPasses) throw new Error(`simulateMockerStack: more than ${maxPasses} passes, the bound for these requests`);
    worker.busy = true;
    events.push(now + pass.durationMs, { kind: "pass", worker, emissions: pass.emissions });
  };

  const endPass = (worker: MockerWorker, emissions: Emission[], now: number) => {
    worker.busy = false;
    for (const { sequence, completed } of emissions) {
      const request = sequence.request;
      if (worker.role === "prefill") {
        if (request.booking) {
          routedRouter.prefillDone(request.booking);
          routedRouter.free(request.booking);
        }
        request.booking = undefined;
        events.push(now + request.input * transferMsPerToken + model.handoffOverheadMs, { kind: "handoff", request });
        continue;
      }
      if (sequence.generated === 1) {
        request.firstTokenAt = now;
        run.ttftMs[request.index] = now - request.arrival;
        if (request.booking && worker.role === "agg") routedRouter.prefillDone(request.booking);
      }
      if (!completed) continue;
      run.latencyMs[request.index] = now - request.arrival;
      run.itlMs[request.index] = request.output > 1 ? (now - request.firstTokenAt) / (request.output - 1) : NaN;
      if (request.booking) (worker.role === "decode" ? decodeRouter : routedRouter).free(request.booking);
      request.booking = undefined;
    }
    if (worker.role === "decode") reservePending(worker);
    kicked.add(worker);
  };

  let next = 0;
  while (next < count || events.size > 0) {
    const now = Math.min(next < count ? requests[next].timestamp : Infinity, events.peekTime());
    while (events.size > 0 && events.peekTime() === now) {
      const { event } = events.pop();
      if (event.kind === "pass") {
        endPass(event.worker, event.emissions, now);
        continue;
      }
      const request = event.request;
      request.booking = decodeRouter.route({ blocks: request.blocks, inputTokens: request.input });
      const worker = decoders[request.booking.worker];
      run.decodeWorker[request.index] = worker.index;
      worker.pending.push(newSequence(request, "decode", false));
      reservePending(worker);
      kicked.add(worker);
    }
    while (next < count && requests[next].timestamp === now) {
      const trace = requests[next];
      const request: Live = {
        index: next,
        arrival: trace.timestamp,
        input: trace.input_length,
        output: Math.max(1, trace.output_length),
        blocks: promptBlocks(trace, blockSize),
        firstTokenAt: 0,
        booking: undefined,
      };
      next++;
      request.booking = routedRouter.route({ blocks: request.blocks, inputTokens: request.input });
      const worker = routed[request.booking.worker];
      run.routedWorker[request.index] = worker.index;
      run.requestsPerWorker[worker.index]++;
      worker.waiting.push(newSequence(request, worker.role, true));
      kicked.add(worker);
    }
    for (const worker of kicked) if (!worker.busy && worker.hasWork()) startPass(worker, now);
    kicked.clear();
  }
  routed.forEach((worker, i) => (run.cachedTokensPerWorker[i] = worker.pool.registeredBlocks * blockSize));
  run.unserved = run.latencyMs.filter((latency) => Number.isNaN(latency)).length - run.refused;
  return run;
}
