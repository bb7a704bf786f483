import type { StackConfig } from "../stack/config/schema";
import { defaultProfile } from "./defaultProfile";
import type { PerfProfile } from "./perfProfile";
import { MOCKER_POLYNOMIAL, polynomialPerfModel, profilePerfModel, type PerfModel } from "./perfModel";
import { scaledProfile, tpFree, tpText, tpTimings } from "./tensorParallel";
import { timingUncertainty } from "./uncertainty";

/**
 * A profile's timings for a worker of `stackTp` GPUs: as given for a half measured at that TP, scaled
 * by the assumed rule of tensorParallel.ts for one measured at another, and used as is, said so, for
 * one whose file names no TP.
 */
export function profileTimings(profile: PerfProfile, stackTp: number, estimate = false): PerfModel {
  const tp = tpTimings(profile.tp ?? { prefill: null, decode: null }, stackTp);
  return {
    ...profilePerfModel(scaledProfile(profile, tp)),
    describe: `${profile.source}: ${tpText(tp)}`,
    tensorParallel: tp,
    uncertainty: timingUncertainty(tp, estimate),
  };
}

/**
 * The mocker's default polynomials. They take no TP (ai-dynamo/dynamo@4cba833f
 * `lib/mocker/src/common/perf_model.rs`: only its AIConfigurator mode reads `--aic-tp-size`); a mock
 * stack's TP reaches its mocker only as the KV capacity it is given (`--num-gpu-blocks-override`).
 * `exact`: they are what the stack's workers run (a mock stack's mocker), and a prediction from them is a
 * point; otherwise they are an estimate of other engines, with the estimate's timing spans.
 */
export function mockerTimings(
  kvCapacityTokens: number,
  stackTp: number,
  describe: (noTp: string) => string,
  { speedup = 1, exact }: { speedup?: number; exact: boolean },
): PerfModel {
  const tp = tpFree(stackTp);
  const perf = { ...polynomialPerfModel(MOCKER_POLYNOMIAL, kvCapacityTokens, describe(tpText(tp)), speedup), tensorParallel: tp };
  return exact ? { ...perf, exact } : { ...perf, uncertainty: timingUncertainty(tp, true) };
}

/**
 * `--profile mocker-polynomial`: on a mock stack, what its mocker runs (the polynomials at its speedup), a
 * point; on a GPU stack, the polynomials as they are, an estimate of vLLM on its GPUs like any other, so
 * the prediction carries the timing spans. Which model and TP the mocker's sweep was of is not said.
 */
export function mockerPolynomialTimings(config: StackConfig, kvCapacityTokens: number): PerfModel {
  if (config.workers.engine === "mocker") return stackTimings(config, kvCapacityTokens);
  return mockerTimings(
    kvCapacityTokens,
    config.workers.tensorParallelSize,
    (noTp) => `the mocker's default polynomials (ai-dynamo/dynamo perf_model.rs; ${noTp}), an estimate of these vLLM workers`,
    { exact: false },
  );
}

/**
 * The engine timings a stack's workers run at, when nothing better is given: for vLLM workers the
 * default profile (an estimate, see defaultProfile.ts) at the stack's TP; for mocker workers the
 * mocker's own, which is exact: its default polynomials, which the stack's mocker flags leave in
 * place, run `workers.mocker.speedupRatio` times fast.
 */
export function stackTimings(config: StackConfig, kvCapacityTokens: number): PerfModel {
  const stackTp = config.workers.tensorParallelSize;
  if (config.workers.engine === "vllm") return profileTimings(defaultProfile(), stackTp, true);
  const speedup = config.workers.mocker.speedupRatio;
  return mockerTimings(
    kvCapacityTokens,
    stackTp,
    (noTp) => `Dynamo's mocker, as the stack runs it: its default polynomials (ai-dynamo/dynamo perf_model.rs; ${noTp}), ${speedup}× fast`,
    { speedup, exact: true },
  );
}
