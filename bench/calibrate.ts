// The calibration round trip on the recipe's own trace: every request simulated with known timings on
// the recipe's two stacks (agg: 8 workers, round-robin; disagg: 6 prefill and 2 decode workers, KV
// router), the simulated TTFT and ITL taken as measured (as they are, and with a seeded 2% noise),
// then fitted back as `calibrate` fits a run. Prints, for each coefficient, the true value, the
// fitted one, its error, its interval and whether the fit flagged it as undetermined, then whether
// any coefficient more than 5% off passed unflagged, and each fit's time.
// Usage: npm run bench -- bench/calibrate.ts [trace.jsonl] [--requests N]
// The trace defaults to traces/conversation_trace.jsonl (`npx dynamo-bench trace fetch`); its sha256
// is checked against the pinned one, and the table says whether it is the real trace.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { calibrate, DEFAULT_INTERVALS, type MeasuredRequest } from "../sim/calibration";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { DEFAULT_TRACE_FILE, PINS } from "../domain/pins";
import { coefficientValues, fittedCoefficients, UNDETERMINED_SPREAD } from "../analysis/runs/calibrationFile";
import { fileSha256 } from "../lib/fileSha256";
import { PROJECT_ROOT } from "../lib/projectRoot";
import { polynomialPerfModel, type PolynomialCoefficients } from "../sim/perfModel";
import { stackModel } from "../sim/stackModel";
import { simulateStack } from "../sim/simulateStack";
import { loadTrace } from "../sim/traceSimulation";
import { stackConfigFromFile } from "../stack/config/stackFile";
import { random } from "../tests/support/traceFixtures";

const TRUTH: PolynomialCoefficients = { prefill: [12, 0.03, 6e-7], decode: [8, 30, 0] };
/** The disagg stack's true handoff overhead, ms: within the 0–1 s that public runs suggest. */
const TRUE_HANDOFF_MS = 300;
const NOISE = 0.02;
/** 0: the simulated latencies as they are; otherwise the seed of a ±2% (σ) noise on each. */
const NOISE_SEEDS = [0, 11];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const requestsFlag = args.indexOf("--requests");
  const limit = requestsFlag >= 0 ? Number(args.splice(requestsFlag, 2)[1]) : Infinity;
  const tracePath = args[0] ?? join(PROJECT_ROOT, DEFAULT_TRACE_FILE);
  if (!existsSync(tracePath)) {
    console.error(`no trace at ${tracePath}: run npx dynamo-bench trace fetch, or give the trace's path`);
    process.exit(1);
  }
  const real = (await fileSha256(tracePath)) === PINS.traceSha256;
  const trace = await loadTrace(tracePath);
  const requests = trace.requests.slice(0, limit);
  console.log(
    `${tracePath}: ${real ? "the real conversation trace (sha256 as pinned)" : "NOT the pinned trace"}, ` +
      `${requests.length.toLocaleString("en-US")} requests; ${DEFAULT_INTERVALS.refits} refits, seed ${DEFAULT_INTERVALS.seed}; ` +
      `flagged: an interval past ±${UNDETERMINED_SPREAD * 100}% of the value`,
  );
  const rows: string[][] = [];
  let silent = 0;
  for (const stack of ["agg", "disagg"]) {
    const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
    const { blockSize } = config.workers;
    // As calibrate does: the engine's KV in whole blocks.
    const capacityTokens = Math.floor(workerCapacityTokens(config) / blockSize) * blockSize;
    const settings = { overlapWeight: 1, temperature: 0, seed: 1, capacityTokens };
    const truthModel = stackModel(config, polynomialPerfModel(TRUTH, capacityTokens, "truth"), settings);
    const disaggregated = truthModel.decodeWorkers > 0;
    const model = { ...truthModel, handoffOverheadMs: disaggregated ? TRUE_HANDOFF_MS : 0 };
    const truth = coefficientValues({ ...TRUTH, ...(disaggregated && { handoffOverheadMs: TRUE_HANDOFF_MS }) });
    const run = simulateStack(requests, model);
    for (const noiseSeed of NOISE_SEEDS) {
      const uniform = random(noiseSeed);
      const noise = () => (noiseSeed === 0 ? 1 : 1 + NOISE * (Array.from({ length: 12 }, uniform).reduce((a, b) => a + b) - 6));
      const measured: MeasuredRequest[] = requests.map((_, i) => ({
        index: i,
        ttftMs: run.ttftMs[i] * noise(),
        itlMs: Number.isNaN(run.itlMs[i]) ? undefined : run.itlMs[i] * noise(),
      }));
      const started = process.hrtime.bigint();
      const fit = calibrate(requests, measured, truthModel);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const fitted = coefficientValues(fit);
      const shape = model.decodeWorkers > 0 ? `${model.routedWorkers}P${model.decodeWorkers}D` : `${model.routedWorkers} workers`;
      const label = `${stack} (${shape}, ${model.policy})`;
      const noiseText = noiseSeed === 0 ? "none" : `2%, seed ${noiseSeed}`;
      for (const name of fittedCoefficients(fitted)) {
        const [fittedValue, trueValue] = [fitted[name]!, truth[name]!];
        const error = fittedValue / trueValue - 1;
        const { low, high } = fit.intervals.coefficients[name]!;
        const flagged = fit.undetermined.includes(name);
        if (Math.abs(error) > UNDETERMINED_SPREAD && !flagged) silent++;
        rows.push([
          label,
          noiseText,
          name,
          trueValue.toPrecision(4),
          fittedValue.toPrecision(4),
          `${error >= 0 ? "+" : ""}${(error * 100).toFixed(2)}%`,
          `${low.toPrecision(4)} to ${high.toPrecision(4)}`,
          fittedValue > 0 ? `${((low / fittedValue - 1) * 100).toFixed(1)}% / +${((high / fittedValue - 1) * 100).toFixed(1)}%` : "—",
          flagged ? "undetermined" : "",
          name === "a" ? `${seconds.toFixed(0)} s, ${fit.iterations} steps` : "",
        ]);
      }
    }
  }
  const header = ["stack", "noise", "coef", "true", "fitted", "error", "interval", "reach", "flag", "fit"];
  const widths = header.map((title, k) => Math.max(title.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, k) => cell.padEnd(widths[k])).join(" | ")} |`;
  console.log([line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n"));
  console.log(`coefficients more than ${UNDETERMINED_SPREAD * 100}% off that passed unflagged: ${silent}`);
}

void main();
