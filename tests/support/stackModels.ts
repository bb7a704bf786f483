import { MOCKER_POLYNOMIAL, polynomialPerfModel } from "../../sim/perfModel";
import type { StackModel } from "../../sim/stackSimulation";

/** The mocker's default timings, with a KV fraction of a million tokens. */
export const MOCKER_PERF = polynomialPerfModel(MOCKER_POLYNOMIAL, 1e6, "mocker");

/** One routed worker and no decode pool, round-robin, with the mocker's timings and vLLM's limits; override what a test varies. */
export function testStackModel(overrides: Partial<StackModel> = {}): StackModel {
  return {
    engineModel: "vllm",
    policy: "round-robin",
    routedWorkers: 1,
    decodeWorkers: 0,
    engine: { kvCapacityTokens: 1e6, blockSize: 64, maxBatchedTokens: 8192, maxNumSeqs: 256 },
    perf: MOCKER_PERF,
    overlapWeight: 1,
    temperature: 0,
    seed: 1,
    kvBytesPerToken: 262_144,
    transferGBps: 64,
    handoffOverheadMs: 0,
    uncertainty: null,
    ...overrides,
  };
}
