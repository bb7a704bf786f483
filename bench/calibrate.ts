// The calibration round trip at the size of the recipe's run: 12,000 requests simulated with known
// timings, each TTFT and ITL given 2% noise, fitted back. Prints each coefficient's error and the
// fit's time, for four traces and two noise seeds, and the same for 3,000 requests, to show what a
// shorter run pins: the suite's round trip (tests/sim/calibration.test.ts) holds one 3,000-request run to 5%.
// Usage: npm run bench -- bench/calibrate.ts
import { parseStackConfig } from "../stack/config/stackConfig";
import { calibrate, type MeasuredRequest } from "../sim/calibration";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { polynomialPerfModel, type PolynomialCoefficients } from "../sim/perfModel";
import { stackModel } from "../sim/stackModel";
import { simulateStack } from "../sim/simulateStack";
import { conversationTrace, random } from "../tests/support/traceFixtures";

const TRUTH: PolynomialCoefficients = { prefill: [12, 0.03, 6e-7], decode: [8, 30, 0] };
const NOISE = 0.02;
const config = parseStackConfig({ variant: "agg", workers: { decode: { replicas: 4 } }, cluster: { gpuMemoryGB: 80 } }, "bench");
const capacity = workerCapacityTokens(config);
const model = stackModel(config, polynomialPerfModel(TRUTH, capacity, "truth"), { overlapWeight: 1, temperature: 0, seed: 1 });

for (const count of [12_000, 3_000]) {
  let worst = 0;
  for (const traceSeed of [7, 8, 9, 10]) {
    const requests = [...conversationTrace(count, { seed: traceSeed })];
    const run = simulateStack(requests, model);
    for (const noiseSeed of [11, 12]) {
      const uniform = random(noiseSeed);
      const noise = () => 1 + NOISE * (Array.from({ length: 12 }, uniform).reduce((a, b) => a + b) - 6);
      const measured: MeasuredRequest[] = requests.map((_, i) => ({
        index: i,
        ttftMs: run.ttftMs[i] * noise(),
        itlMs: Number.isNaN(run.itlMs[i]) ? undefined : run.itlMs[i] * noise(),
      }));
      const started = process.hrtime.bigint();
      const fit = calibrate(requests, measured, model);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const errors = [...fit.prefill, ...fit.decode.slice(0, 2)].map((value, k) => value / [...TRUTH.prefill, ...TRUTH.decode][k] - 1);
      worst = Math.max(worst, ...errors.map(Math.abs));
      const shown = errors.map((error, k) => `${"abcde"[k]} ${error >= 0 ? "+" : ""}${(error * 100).toFixed(2)}%`).join(", ");
      console.log(`${count} requests, trace ${traceSeed}, noise ${noiseSeed}: ${shown}; ${fit.iterations} steps, ${seconds.toFixed(1)} s`);
    }
  }
  console.log(`${count} requests: the worst coefficient error is ${(worst * 100).toFixed(2)}%`);
}
