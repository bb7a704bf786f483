import { predictedRequests, simulateTrace, simulateTraceRun, type SimulationReport } from "../sim/traceSimulation";
import { simulationJson, simulationText } from "../sim/formatSimulation";
import { predictedRequestsText } from "../analysis/runs/predictedRequestsFile";
import { simulation, warnRequestsBeyondKv, type SimulationOptions } from "./simulation";
import { assertWritableTarget, writeOutputFile } from "./outputFile";
import { UserError } from "../lib/userError";
import type { CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

export type SimulateOptions = SimulationOptions & {
  /** Where to write every request's prediction, a JSON line each. */
  requestsOut?: string;
};

/** `simulate`: the stack's predicted hit rate, TTFT, ITL and goodput on the trace, for each policy asked for. */
export async function simulateCommand(raw: SimulateOptions, io: CommandIo): Promise<void> {
  const { requestsOut, ...rest } = raw;
  // One file holds one prediction: three policies would need names the user did not give.
  if (requestsOut !== undefined && rest.policy === "all") {
    throw new UserError("--requests-out: holds one policy's predictions; give --policy round-robin, random or kv, not all");
  }
  if (requestsOut === "") throw new UserError("--requests-out: give a file path");
  // Refused before the simulation, not after a minute of it.
  if (requestsOut !== undefined) assertWritableTarget("--requests-out", requestsOut);
  const prepared = await simulation(rest, io);
  const { options, base, trace, policies, slos } = prepared;
  warnRequestsBeyondKv(prepared, io);
  let reports: SimulationReport[];
  if (requestsOut === undefined) {
    reports = policies.map((policy) => simulateTrace(trace, { ...base, policy }, slos));
  } else {
    const { report, run } = simulateTraceRun(trace, { ...base, policy: policies[0] }, slos);
    writeOutputFile("--requests-out", requestsOut, predictedRequestsText(predictedRequests(trace, run)));
    io.err(`wrote ${terminalText(requestsOut)}\n`);
    reports = [report];
  }
  if (options.json) io.out(`${JSON.stringify(reports.length === 1 ? simulationJson(reports[0]) : reports.map(simulationJson), null, 2)}\n`);
  else io.out(simulationText(reports));
}
