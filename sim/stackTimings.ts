import type { StackConfig } from "../stack/config/schema";
import { defaultProfile } from "./defaultProfile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, profilePerfModel, type PerfModel } from "./perfModel";

/**
 * The engine timings a stack's workers run at, when nothing better is given: for vLLM workers the
 * default profile (an estimate, see defaultProfile.ts); for mocker workers the mocker's own, which
 * is exact: its default polynomials, which the stack's mocker flags leave in place, run
 * `workers.mocker.speedupRatio` times fast.
 */
export function stackTimings(config: StackConfig, kvCapacityTokens: number): PerfModel {
  if (config.workers.engine === "vllm") return profilePerfModel(defaultProfile());
  const speedup = config.workers.mocker.speedupRatio;
  return polynomialPerfModel(
    MOCKER_POLYNOMIAL,
    kvCapacityTokens,
    `Dynamo's mocker, as the stack runs it: its default polynomials (ai-dynamo/dynamo perf_model.rs), ${speedup}× fast`,
    speedup,
  );
}
