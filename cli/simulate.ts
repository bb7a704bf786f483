import { writeFileSync } from "node:fs";
import { z } from "zod";
import { stackConfigFromFile } from "../config/stackFile";
import { workerPools } from "../config/schema";
import { workerCapacityTokens } from "../sim/capacity";
import { POLICIES, type Policy } from "../sim/routing";
import { DEFAULT_TIME_MODEL, type SimulationOptions } from "../sim/simulate";
import { capacitySweep, loadTrace, simulateTrace } from "../sim/traceSimulation";
import { simulationText, sweepChart, sweepText } from "../sim/formatSimulation";
import { stackFilePath } from "./stackFiles";
import { UserError } from "../userError";

const wholeNumber = (flag: string, min: number) =>
  z.coerce.number({ error: `${flag}: must be a whole number ≥ ${min}` }).pipe(z.int({ error: `${flag}: must be a whole number ≥ ${min}` }).min(min, { error: `${flag}: must be a whole number ≥ ${min}` }));

const simulateOptions = z.object({
  trace: z.string({ error: "--trace: give the trace file" }),
  stack: z.string().optional(),
  configFile: z.string().optional(),
  policy: z.enum([...POLICIES, "all"], { error: `--policy: must be one of ${[...POLICIES, "all"].join(", ")}` }).optional(),
  workers: wholeNumber("--workers", 1).optional(),
  capacityTokens: wholeNumber("--capacity-tokens", 0).optional(),
  overlapWeight: z.coerce.number({ error: "--overlap-weight: must be a number ≥ 0" }).min(0, { error: "--overlap-weight: must be a number ≥ 0" }).default(1),
  seed: wholeNumber("--seed", 0).default(1),
  sweepCapacity: z.boolean().optional(),
  chart: z.string().optional(),
  json: z.boolean().optional(),
  skipInvalid: z.boolean().optional(),
});
export type SimulateOptions = z.input<typeof simulateOptions>;

export async function simulateCommand(raw: SimulateOptions): Promise<void> {
  const parsed = simulateOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  const config = stackConfigFromFile(stackFilePath(options));
  // The stack's pool that requests are routed to: the prefill workers of disagg, the workers of agg.
  const routed = workerPools(config)[0];
  const base: SimulationOptions = {
    policy: config.frontend.routerMode,
    workers: options.workers ?? routed.replicas,
    capacityTokens: options.capacityTokens ?? workerCapacityTokens(config),
    overlapWeight: options.overlapWeight,
    seed: options.seed,
    timeModel: DEFAULT_TIME_MODEL,
  };
  const trace = await loadTrace(options.trace, { skipInvalid: options.skipInvalid });
  if (trace.skippedLines.length > 0) process.stderr.write(`warning: skipped ${trace.skippedLines.length} invalid line(s)\n`);
  const policies: Policy[] = options.policy === "all" ? [...POLICIES] : [options.policy ?? base.policy];

  if (options.sweepCapacity) {
    const sweeps = policies.map((policy) => ({ policy, points: capacitySweep(trace, { ...base, policy }) }));
    if (options.chart) {
      writeFileSync(options.chart, sweepChart(sweeps[0].points, trace.bound, `${config.variant}: ${policies[0]} over ${base.workers} worker(s)`));
      process.stderr.write(`wrote ${options.chart}\n`);
    }
    if (options.json) process.stdout.write(`${JSON.stringify({ bound: trace.bound, workers: base.workers, sweeps }, null, 2)}\n`);
    else for (const sweep of sweeps) process.stdout.write(`${sweep.policy} over ${base.workers} worker(s):\n${sweepText(sweep.points, trace.bound)}\n`);
    return;
  }
  const reports = policies.map((policy) => simulateTrace(trace, { ...base, policy }));
  if (options.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else process.stdout.write(simulationText(reports));
}
