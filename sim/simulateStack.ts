import type { TraceRequest } from "./trace/traceFile";
import { simulateMockerStack } from "./mockerStack";
import { simulateVllmStack, type StackModel, type StackRun } from "./stackSimulation";

/** Replays the requests through the stack with its engine model (see `ENGINE_MODELS`). */
export function simulateStack(requests: readonly TraceRequest[], model: StackModel, collectFeatures = false): StackRun {
  if (model.engineModel === "vllm") return simulateVllmStack(requests, model, collectFeatures);
  if (collectFeatures) throw new Error("simulateStack: calibration fits the vllm engine model only");
  return simulateMockerStack(requests, model);
}
