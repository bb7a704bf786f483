import type { StackConfig } from "../stack/config/schema";
import { entryAt } from "../lib/regularFile";
import { workerCapacityTokens } from "../domain/kvCapacity";
import { NO_PREDICTION_SAVED, PREDICTION_KIND, PREDICTION_SCHEMA_VERSION, type Prediction } from "../analysis/runs/predictionFile";
import { stackModel } from "./stackModel";
import { stackTimings } from "./stackTimings";
import { loadTrace, simulateTrace, type Percentiles, type PredictedLatency, type RangeEnd, type SimulationReport } from "./traceSimulation";
import { formatCount } from "../lib/numbers";
import { parseGoodput } from "../domain/slos";
import { fileSha256 } from "../lib/fileSha256";

/** The TTFT and request latency a prediction.json must hold: a simulation whose stack served no request has none to save. */
function servedLatency(
  latency: PredictedLatency,
  report: SimulationReport,
): { timeToFirstToken: Percentiles; requestLatency: Percentiles } {
  const { timeToFirstToken, requestLatency } = latency;
  if (timeToFirstToken === null || requestLatency === null) {
    throw new Error(
      `the simulated stack served none of the trace's ${formatCount(report.requests)} requests ` +
        `(${formatCount(report.refused)} refused as longer than a worker's KV, ${formatCount(report.unserved)} never served)`,
    );
  }
  return { timeToFirstToken, requestLatency };
}

/** prediction.json's text for a simulation of a stack's run. */
export function predictionFileText(report: SimulationReport, about: { stack: string; trace: Prediction["trace"] }): string {
  const rangeEnd = ({ latency, goodput }: RangeEnd) => ({
    timeToFirstToken: servedLatency(latency, report).timeToFirstToken,
    interTokenLatency: latency.interTokenLatency,
    goodput,
  });
  const served = servedLatency(report.latency, report);
  const prediction: Prediction = {
    kind: PREDICTION_KIND,
    schemaVersion: PREDICTION_SCHEMA_VERSION,
    stack: about.stack,
    trace: about.trace,
    perfModel: report.perfModel,
    policy: report.policy,
    timeToFirstToken: served.timeToFirstToken,
    interTokenLatency: report.latency.interTokenLatency,
    requestLatency: served.requestLatency,
    goodput: report.goodput ? { fraction: report.goodput.fraction, slos: report.goodput.slos } : null,
    ...(report.prefillTokens.input > 0 && { prefixCacheHitRate: 1 - report.prefillTokens.computed / report.prefillTokens.input }),
    ...(report.range && { range: { fast: rangeEnd(report.range.fast), slow: rangeEnd(report.range.slow), spans: report.range.spans } }),
  };
  return `${JSON.stringify(prediction, null, 2)}\n`;
}

/**
 * The stack's prediction for the run it just measured: `simulate` with the stack's own timings, on the
 * trace the run replayed (checked by its sha256), cut where the run's fixed schedule ended. When the
 * trace is not at hand, a note that says how to get it instead.
 */
export async function predictRun(config: StackConfig, stack: string, tracePath: string): Promise<{ text: string } | { note: string }> {
  const fetch = `npx dynamo-bench trace fetch -s ${stack}`;
  try {
    if (entryAt(tracePath) !== "file") return { note: `${NO_PREDICTION_SAVED}: the trace is not at ${tracePath} (${fetch} puts it there)` };
    const sha256 = await fileSha256(tracePath);
    if (sha256 !== config.benchmark.traceSha256) {
      return { note: `${NO_PREDICTION_SAVED}: ${tracePath} is not the trace this stack replays (its sha256 is ${sha256}; ${fetch})` };
    }
    const maxModelLen = { tokens: config.workers.maxModelLen, key: `workers.maxModelLen of stack ${stack}` };
    const trace = await loadTrace(tracePath, { maxModelLen, offerSkip: false });
    const end = config.benchmark.fixedScheduleEndOffsetMs;
    const replayed = end === undefined ? trace : { ...trace, requests: trace.requests.filter((request) => request.timestamp <= end) };
    const model = stackModel(config, stackTimings(config, workerCapacityTokens(config)), { overlapWeight: 1, temperature: 0, seed: 1 });
    const report = simulateTrace(replayed, model, parseGoodput(config.benchmark.goodput));
    return { text: predictionFileText(report, { stack, trace: { sha256, requests: replayed.requests.length } }) };
  } catch (error) {
    return { note: `${NO_PREDICTION_SAVED}: ${(error as Error).message}` };
  }
}
