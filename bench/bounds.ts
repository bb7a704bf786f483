// The simulation's worst cases within validation: every request at the stack's maxModelLen (131,072
// tokens by default), as a long decode and as a long prompt, on one worker and on the recipe's agg
// stack. Prints the passes run against passBound and the time, so the stated bound can be read
// against what it costs. Usage: npm run bench -- bench/bounds.ts
import { parseStackConfig } from "../stack/config/stackConfig";
import { defaultProfile } from "../sim/defaultProfile";
import { profilePerfModel } from "../sim/perfModel";
import { stackModel } from "../sim/stackModel";
import { passBound } from "../sim/passBound";
import { simulateStack } from "../sim/simulateStack";
import type { TraceRequest } from "../sim/trace/traceFile";

const config = parseStackConfig({ variant: "agg" }, "bench");
const maxModelLen = config.workers.maxModelLen;
const perf = profilePerfModel(defaultProfile());

function trace(requests: number, input: number): TraceRequest[] {
  const blocks = Math.ceil(input / 512);
  return Array.from({ length: requests }, (_, i) => ({
    timestamp: i,
    input_length: input,
    output_length: maxModelLen - input,
    hash_ids: Array.from({ length: blocks }, (_, b) => i * blocks + b),
  }));
}

for (const workers of [1, 8]) {
  for (const [shape, input] of [
    ["long decode (input 0)", 0],
    ["half and half", maxModelLen / 2],
    ["long prompt (output 1)", maxModelLen - 1],
  ] as const) {
    for (const requests of [10, 100]) {
      const requestsOf = trace(requests, input);
      const model = stackModel(config, perf, { workers, overlapWeight: 1, temperature: 0, seed: 1 });
      const start = process.hrtime.bigint();
      const run = simulateStack(requestsOf, model);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      console.log(
        `${workers} worker(s), ${requests} requests of ${maxModelLen} tokens, ${shape}: ` +
          `${run.passes.toLocaleString("en-US")} passes of a bound of ${passBound(requestsOf).toLocaleString("en-US")}, ` +
          `${seconds.toFixed(2)} s`,
      );
    }
  }
}
