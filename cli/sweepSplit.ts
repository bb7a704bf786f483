import { totalGpus } from "../stack/config/schema";
import { simulationJson, splitText } from "../sim/formatSimulation";
import { splitSweep, splitsOf, splitVerdict } from "../sim/splitSweep";
import { splitChart } from "../sim/splitChart";
import { formatCount } from "../lib/numbers";
import { writeOutputFile } from "./outputFile";
import { simulation, type SimulationOptions } from "./simulation";
import type { CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

export type SweepSplitOptions = SimulationOptions & { chart?: string };

/** `simulate sweep split`: predicted TTFT, ITL and goodput for each prefill:decode split of the stack's GPUs, and agg. */
export async function sweepSplitCommand(raw: SweepSplitOptions, io: CommandIo): Promise<void> {
  const { options, config, base, trace, policies, slos } = await simulation(raw, io, { sweepsSplits: true });
  const model = { ...base, policy: policies[0] };
  const gpus = totalGpus(config);
  const { tensorParallelSize } = config.workers;
  const splits = splitsOf(gpus, tensorParallelSize);
  const points = splitSweep(trace, model, slos, splits);
  const verdict = splitVerdict(points);
  if (raw.chart !== undefined) {
    const title = `${formatCount(gpus)} GPUs at TP ${tensorParallelSize}, ${model.policy} routing: predicted goodput per split`;
    writeOutputFile("--chart", raw.chart, splitChart(title, points, verdict, slos));
    io.err(`wrote ${terminalText(raw.chart)}\n`);
  }
  if (options.json) {
    const splitsJson = points.map(({ split, report }) => ({
      split: split.label,
      prefill: split.prefill,
      decode: split.decode,
      ...simulationJson(report),
    }));
    const best = verdict.kind === "best" ? verdict.point.split.label : null;
    const tied = verdict.kind === "tie" ? verdict.points.map((point) => point.split.label) : [];
    const sweep = { gpus, tensorParallelSize, policy: model.policy, verdict: verdict.kind, best, tied, splits: splitsJson };
    io.out(`${JSON.stringify(sweep, null, 2)}\n`);
  } else {
    io.out(`${formatCount(gpus)} GPUs at TP ${tensorParallelSize}, ${model.policy} routing:\n${splitText(points, verdict)}`);
  }
}
