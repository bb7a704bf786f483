import { workerPools, type StackConfig } from "../stack/config/schema";
import { kvBytesPerToken, workerCapacityTokens } from "../domain/kvCapacity";
import type { PerfModel } from "./perfModel";
import type { RoutingPolicy } from "../domain/variants";
import type { EngineModel, StackModel } from "./stackSimulation";
import { stackUncertainty } from "./uncertainty";

/**
 * Engine limits the recipe leaves at their defaults: the token budget of a pass and the requests
 * running at once. These are the mocker's defaults (ai-dynamo/dynamo
 * `components/src/dynamo/mocker/args.py`, 1.3 era), which follow vLLM's.
 */
export const MAX_BATCHED_TOKENS = 8192;
export const MAX_NUM_SEQS = 256;

/**
 * The KV transfer's bandwidth from a prefill to a decode worker, GB/s: the mocker's default
 * (`--kv-transfer-bandwidth`, "inter-node IB"), an assumption rather than a measurement of this
 * stack's NIXL over `rdma/ib`.
 */
export const DEFAULT_TRANSFER_GBPS = 64;

export interface ModelOverrides {
  engineModel?: EngineModel;
  policy?: RoutingPolicy;
  workers?: number;
  capacityTokens?: number;
  overlapWeight: number;
  temperature: number;
  seed: number;
  transferGBps?: number;
}

/** The stack, as the simulation models it: its pools, routing and engines. */
export function stackModel(config: StackConfig, perf: PerfModel, overrides: ModelOverrides): StackModel {
  const [routed, decode] = workerPools(config);
  return {
    // A mock stack's workers are Dynamo's mocker: its own rules are the exact model of them.
    engineModel: overrides.engineModel ?? (config.workers.engine === "mocker" ? "mocker" : "vllm"),
    policy: overrides.policy ?? config.frontend.routerMode,
    routedWorkers: overrides.workers ?? routed.replicas,
    decodeWorkers: decode?.replicas ?? 0,
    engine: {
      kvCapacityTokens: overrides.capacityTokens ?? workerCapacityTokens(config),
      blockSize: config.workers.blockSize,
      maxBatchedTokens: MAX_BATCHED_TOKENS,
      maxNumSeqs: MAX_NUM_SEQS,
    },
    perf,
    overlapWeight: overrides.overlapWeight,
    temperature: overrides.temperature,
    seed: overrides.seed,
    kvBytesPerToken: kvBytesPerToken(config),
    transferGBps: overrides.transferGBps ?? DEFAULT_TRANSFER_GBPS,
    handoffOverheadMs: decode && perf.calibratedHandoff ? perf.calibratedHandoff.ms : 0,
    uncertainty: stackUncertainty(perf),
  };
}
