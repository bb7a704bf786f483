import { capacitySweep, unboundedCache } from "../sim/traceSimulation";
import { sweepText } from "../sim/formatSimulation";
import { sweepChart } from "../sim/sweepChart";
import { formatCount } from "../lib/numbers";
import { writeOutputFile } from "./outputFile";
import { simulation, type SimulationOptions } from "./simulation";
import type { CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

export type SweepCapacityOptions = SimulationOptions & { chart?: string };

/** `simulate sweep capacity`: the hit rate against the cache capacity per worker, 10^4 to 10^9 tokens. */
export async function sweepCapacityCommand(raw: SweepCapacityOptions, io: CommandIo): Promise<void> {
  const { options, config, base, trace, policies } = await simulation(raw, io);
  const sweeps = policies.map((policy) => ({ policy, points: capacitySweep(trace, { ...base, policy }) }));
  const bound = unboundedCache(trace, base.engine.blockSize).hitRate;
  if (raw.chart !== undefined) {
    const title = `${config.variant}: hit rate against cache capacity, ${formatCount(base.routedWorkers)} worker(s)`;
    writeOutputFile(
      "--chart",
      raw.chart,
      sweepChart({
        title,
        sweeps,
        bound,
        capacityTokens: base.engine.kvCapacityTokens,
        capacityFrom: options.capacityTokens === undefined ? "the stack" : "--capacity-tokens",
      }),
    );
    io.err(`wrote ${terminalText(raw.chart)}\n`);
  }
  if (options.json) {
    const sweep = { bound, workers: base.routedWorkers, capacityTokensPerWorker: base.engine.kvCapacityTokens, sweeps };
    io.out(`${JSON.stringify(sweep, null, 2)}\n`);
  } else {
    for (const sweep of sweeps) io.out(`${sweep.policy} over ${base.routedWorkers} worker(s):\n${sweepText(sweep.points, bound)}\n`);
  }
}
