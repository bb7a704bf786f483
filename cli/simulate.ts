import { simulateTrace } from "../sim/traceSimulation";
import { simulationJson, simulationText } from "../sim/formatSimulation";
import { simulation, type SimulationOptions } from "./simulation";
import type { CommandIo } from "./io";

export type SimulateOptions = SimulationOptions;

/** `simulate`: the stack's predicted hit rate, TTFT, ITL and goodput on the trace, for each policy asked for. */
export async function simulateCommand(raw: SimulateOptions, io: CommandIo): Promise<void> {
  const { options, base, trace, policies, slos } = await simulation(raw, io);
  const reports = policies.map((policy) => simulateTrace(trace, { ...base, policy }, slos));
  if (options.json) io.out(`${JSON.stringify(reports.length === 1 ? simulationJson(reports[0]) : reports.map(simulationJson), null, 2)}\n`);
  else io.out(simulationText(reports));
}
