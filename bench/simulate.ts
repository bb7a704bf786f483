// Times one latency simulation of a 12k-request conversation-like trace per stack (the goal: under
// 1 s in process), the whole `simulate` command, and how memory grows with the number of requests
// (the goal: flat per request). With the synthetic Mooncake trace at ../shared/traces, it also
// prints the predicted agg vs disagg figures on it.
// Usage: npm run bench -- bench/simulate.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/projectRoot";
import { totalGpus } from "../stack/config/schema";
import { parseStackConfig } from "../stack/config/stackConfig";
import { splitSweep, splitsOf } from "../sim/splitSweep";
import { stackTimings } from "../sim/stackTimings";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { stackModel } from "../sim/stackModel";
import { loadTrace, simulateTrace, type SimulationReport } from "../sim/traceSimulation";
import { parseGoodput } from "../domain/slos";
import { RECIPE_GOODPUT } from "../domain/recipeSlos";
import { conversationTrace, writeTrace } from "../tests/support/traceFixtures";

const SYNTHETIC = join(__dirname, "..", "..", "shared", "traces", "synthetic_trace.jsonl");
const slos = parseGoodput(RECIPE_GOODPUT);

function seconds(since: bigint): string {
  return (Number(process.hrtime.bigint() - since) / 1e9).toFixed(3);
}

function modelOf(variant: "agg" | "disagg") {
  const config = parseStackConfig({ variant }, "bench");
  return stackModel(config, stackTimings(config, workerCapacityTokens(config)), { overlapWeight: 1, temperature: 0, seed: 1 });
}

const figures = (r: SimulationReport) =>
  `TTFT p50/p90 ${r.latency.timeToFirstToken?.p50.toFixed(0)}/${r.latency.timeToFirstToken?.p90.toFixed(0)} ms, ` +
  `ITL p50/p90 ${r.latency.interTokenLatency?.p50.toFixed(1)}/${r.latency.interTokenLatency?.p90.toFixed(1)} ms, ` +
  `goodput ${((r.goodput?.fraction ?? 0) * 100).toFixed(1)}%, hit rate ${(r.hitRate * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-sim-"));
  try {
    const path = join(dir, "trace.jsonl");
    await writeTrace(path, conversationTrace(12_000));
    const trace = await loadTrace(path);
    for (const variant of ["agg", "disagg"] as const) {
      const started = process.hrtime.bigint();
      const report = simulateTrace(trace, modelOf(variant), slos);
      console.log(`${variant}, 12,000 requests: ${seconds(started)} s in process; ${figures(report)}`);
      const whole = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ["cli/launch.js", "simulate", "--trace", path, "--stack", variant, "--json"], {
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(result.stderr);
      console.log(`${variant}: the whole command: ${seconds(whole)} s`);
    }
    const disagg = parseStackConfig({ variant: "disagg" }, "bench");
    const sweepStarted = process.hrtime.bigint();
    const points = splitSweep(trace, modelOf("disagg"), slos, splitsOf(totalGpus(disagg), disagg.workers.tensorParallelSize));
    console.log(`split sweep, ${points.length} points (agg and 1P7D … 7P1D), 12,000 requests: ${seconds(sweepStarted)} s`);
    // Memory: the heap after a collection, once the trace is loaded and once it has been simulated.
    const heap: Record<number, { loaded: number; simulated: number }> = {};
    for (const requests of [6_000, 12_000, 24_000]) {
      const sized = join(dir, `trace-${requests}.jsonl`);
      await writeTrace(sized, conversationTrace(requests));
      const script =
        `const { loadTrace, simulateTrace } = require("./sim/traceSimulation");` +
        `const { stackModel } = require("./sim/stackModel"); const { parseStackConfig } = require("./stack/config/stackConfig");` +
        `const { stackTimings } = require("./sim/stackTimings"); const { workerCapacityTokens } = require("./domain/kvCapacity");` +
        `const used = () => { global.gc(); return process.memoryUsage().heapUsed; };` +
        `loadTrace(${JSON.stringify(sized)}).then((trace) => { const loaded = used();` +
        `const config = parseStackConfig({ variant: "disagg" }, "bench");` +
        `const perf = stackTimings(config, workerCapacityTokens(config));` +
        `const model = stackModel(config, perf, { overlapWeight: 1, temperature: 0, seed: 1 });` +
        `const report = simulateTrace(trace, model, {}); const simulated = used();` +
        `console.log(JSON.stringify({ loaded, simulated, p50: report.latency.timeToFirstToken.p50 })); });`;
      const result = spawnSync(
        process.execPath,
        ["--expose-gc", "--require", join(PROJECT_ROOT, "tests", "support", "typescript.cjs"), "-e", script],
        { encoding: "utf8" },
      );
      if (result.status !== 0) throw new Error(result.stderr);
      heap[requests] = JSON.parse(result.stdout);
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(
        `disagg, ${requests.toLocaleString("en-US")} requests: heap ${mib(heap[requests].loaded)} MiB with the trace loaded, ` +
          `${mib(heap[requests].simulated)} MiB after the simulation`,
      );
    }
    const perRequest = (key: "loaded" | "simulated") => (heap[24_000][key] - heap[6_000][key]) / 18_000;
    console.log(
      `heap per request, 6k → 24k: ${perRequest("loaded").toFixed(0)} bytes for the loaded trace, ` +
        `${perRequest("simulated").toFixed(0)} bytes with the simulation's results`,
    );
    if (existsSync(SYNTHETIC)) {
      const synthetic = await loadTrace(SYNTHETIC);
      for (const variant of ["agg", "disagg"] as const)
        console.log(`synthetic trace, ${variant}: ${figures(simulateTrace(synthetic, modelOf(variant), slos))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
