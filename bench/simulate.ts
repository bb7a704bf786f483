import "../tests/support/scratchTmp.mjs";
// Times one simulation of a 12k-request conversation-like trace per stack (the goal: under 1 s),
// in process and as the whole `npm run cli -- simulate` command.
// Usage: npm run bench -- bench/simulate.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workerPools } from "../config/schema";
import { parseStackConfig } from "../config/stackConfig";
import { workerCapacityTokens } from "../sim/capacity";
import { DEFAULT_TIME_MODEL } from "../sim/simulate";
import { loadTrace, simulateTrace } from "../sim/traceSimulation";
import { conversationTrace, writeTrace } from "../tests/support/traceFixtures";

function seconds(since: bigint): string {
  return (Number(process.hrtime.bigint() - since) / 1e9).toFixed(3);
}

async function main(): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-sim-")), "trace.jsonl");
  await writeTrace(path, conversationTrace(12_000));
  let started = process.hrtime.bigint();
  const trace = await loadTrace(path);
  console.log(`load 12,000 requests (with the bound and the unbounded pass): ${seconds(started)} s`);
  for (const variant of ["agg", "disagg"] as const) {
    const config = parseStackConfig({ variant }, "bench");
    const options = {
      policy: config.frontend.routerMode,
      workers: workerPools(config)[0].replicas,
      capacityTokens: workerCapacityTokens(config),
      overlapWeight: 1,
      seed: 1,
      timeModel: DEFAULT_TIME_MODEL,
    };
    started = process.hrtime.bigint();
    const report = simulateTrace(trace, options);
    console.log(
      `${variant}: ${report.policy} over ${report.workers} workers, hit rate ${(report.hitRate * 100).toFixed(2)}%: ${seconds(started)} s`,
    );
    started = process.hrtime.bigint();
    const result = spawnSync("npm", ["run", "--silent", "cli", "--", "simulate", "--trace", path, "--stack", variant, "--json"], {
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(result.stderr);
    console.log(`${variant}: the whole command: ${seconds(started)} s`);
  }
}

void main();
