import { z } from "zod";
import { stackConfigFromFile } from "../config/stackFile";
import { workerPools } from "../config/schema";
import { workerCapacityTokens } from "../sim/capacity";
import { POLICIES, type Policy } from "../sim/routing";
import { DEFAULT_TIME_MODEL, type SimulationOptions } from "../sim/simulate";
import { capacitySweep, loadTrace, simulateTrace } from "../sim/traceSimulation";
import { simulationText, sweepText } from "../sim/formatSimulation";
import { sweepChart } from "../sim/sweepChart";
import { formatCount } from "../summary/numbers";
import { stackFilePath } from "./stackFiles";
import { writeOutputFile } from "./outputFile";
import { UserError } from "../userError";

/** Each worker keeps a cache, and the KV router weighs every worker for every request: far past any real stack, memory and time run out. */
export const MAX_WORKERS = 4096;
/** 10^12 tokens is a thousand times the sweep's top; past it a number is a typo, not a GPU. */
export const MAX_CAPACITY_TOKENS = 1e12;

/** A number written in decimal, as a person types one: not hex (`0x10`), octal, `Infinity` or blank. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const decimal = (error: string) => z.string({ error }).regex(DECIMAL, { error }).transform(Number);

const wholeNumber = (flag: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `${flag}: must be a whole number ≥ ${min}`;
  return decimal(error).pipe(
    z
      .number()
      .int({ error })
      .min(min, { error })
      .max(max, { error: `${flag}: must be at most ${formatCount(max)}` }),
  );
};

const simulateOptions = z.object({
  trace: z.string({ error: "--trace: give the trace file" }),
  stack: z.string().optional(),
  configFile: z.string().optional(),
  policy: z.enum([...POLICIES, "all"], { error: `--policy: must be one of ${[...POLICIES, "all"].join(", ")}` }).optional(),
  workers: wholeNumber("--workers", 1, MAX_WORKERS).optional(),
  capacityTokens: wholeNumber("--capacity-tokens", 0, MAX_CAPACITY_TOKENS).optional(),
  overlapWeight: decimal("--overlap-weight: must be a number ≥ 0")
    .pipe(z.number().max(1e6, { error: "--overlap-weight: must be at most 1,000,000" }))
    .default(1),
  seed: wholeNumber("--seed", 0).default(1),
  sweepCapacity: z.boolean().optional(),
  chart: z.string().optional(),
  json: z.boolean().optional(),
  skipInvalid: z.boolean().optional(),
  /** The options given on the command line, rather than left at their defaults. */
  given: z.array(z.string()).default([]),
});
export type SimulateOptions = z.input<typeof simulateOptions>;

/** A flag that no simulated policy reads would change nothing: it is refused rather than ignored. */
function refuseUnusedOptions(given: string[], policies: Policy[]): void {
  const routing = policies.join(", ");
  if (given.includes("seed") && !policies.includes("random")) {
    throw new UserError(
      `--seed: only the random policy uses it, and this run routes with ${routing}; add --policy random (or all), or leave --seed out`,
    );
  }
  if (given.includes("overlapWeight") && !policies.includes("kv")) {
    throw new UserError(
      `--overlap-weight: only the kv policy uses it, and this run routes with ${routing}; ` +
        "add --policy kv (or all), or leave --overlap-weight out",
    );
  }
}

export async function simulateCommand(raw: SimulateOptions): Promise<void> {
  const parsed = simulateOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  if (options.chart !== undefined && !options.sweepCapacity) {
    throw new UserError("--chart draws the capacity sweep: give --sweep-capacity with it, or leave --chart out");
  }
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
  refuseUnusedOptions(options.given, policies);

  if (options.sweepCapacity) {
    const sweeps = policies.map((policy) => ({ policy, points: capacitySweep(trace, { ...base, policy }) }));
    if (options.chart !== undefined) {
      const title = `${config.variant}: hit rate against cache capacity, ${formatCount(base.workers)} worker(s)`;
      writeOutputFile(
        "--chart",
        options.chart,
        sweepChart({
          title,
          sweeps,
          bound: trace.bound,
          capacityTokens: base.capacityTokens,
          capacityFrom: options.capacityTokens === undefined ? "the stack" : "--capacity-tokens",
        }),
      );
      process.stderr.write(`wrote ${options.chart}\n`);
    }
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ bound: trace.bound, workers: base.workers, capacityTokensPerWorker: base.capacityTokens, sweeps }, null, 2)}\n`,
      );
    } else {
      for (const sweep of sweeps)
        process.stdout.write(`${sweep.policy} over ${base.workers} worker(s):\n${sweepText(sweep.points, trace.bound)}\n`);
    }
    return;
  }
  const reports = policies.map((policy) => simulateTrace(trace, { ...base, policy }));
  if (options.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else process.stdout.write(simulationText(reports));
}
