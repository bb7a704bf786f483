import { join } from "node:path";
import { entryAt, readRegularFile } from "../../lib/regularFile";
import { parsePrediction, PREDICTION_FILE, type Prediction } from "../runs/predictionFile";
import { formatCount, formatValue } from "../../lib/numbers";
import { textTable, type Table } from "../../lib/table";
import type { RunSummary } from "../summary/resultsSchema";
import { printable } from "./printable";
import { terminalLine } from "../../lib/terminalText";

/** A prediction is a few hundred bytes; far larger is not one. */
const MAX_PREDICTION_BYTES = 64 * 1024;

/** The prediction saved beside a run, if any; one that cannot be read is a note, never a failure. */
export function predictionBeside(dir: string): { prediction?: Prediction; note?: string } {
  const path = join(dir, PREDICTION_FILE);
  try {
    if (entryAt(path) === "nothing") return {};
    return { prediction: parsePrediction(readRegularFile(path, { maxBytes: MAX_PREDICTION_BYTES, what: "a prediction" })) };
  } catch (error) {
    return { note: `${printable(path, 200)} is not used: ${(error as Error).message}` };
  }
}

interface PredictedRun {
  label: string;
  summary: RunSummary;
  prediction?: Prediction;
}

const COMPARED = [
  ["TTFT", "time_to_first_token", "timeToFirstToken"],
  ["ITL", "inter_token_latency", "interTokenLatency"],
] as const;

/** Per run with a prediction: TTFT and ITL p50 and p90, measured and predicted, and the error in percent. */
export function predictionTable(runs: PredictedRun[]): Table | undefined {
  const rows: string[][] = [];
  for (const run of runs) {
    if (!run.prediction) continue;
    for (const [name, metric, predicted] of COMPARED) {
      const measured = run.summary.metrics[metric];
      const prediction = run.prediction[predicted];
      for (const statistic of ["p50", "p90"] as const) {
        const got = measured?.unit === "ms" ? measured[statistic] : null;
        const want = prediction?.[statistic] ?? null;
        const range = run.prediction.range;
        const fast = range?.fast[predicted]?.[statistic];
        const slow = range?.slow[predicted]?.[statistic];
        const error =
          got !== null && want !== null && got > 0 ? `${want >= got ? "+" : ""}${formatValue(((want - got) / got) * 100, 1)}%` : "n/a";
        rows.push([
          run.label,
          `${name} ${statistic} (ms)`,
          got === null ? "n/a" : formatValue(got),
          want === null ? "n/a" : formatValue(want),
          fast === undefined || slow === undefined ? "–" : `${formatValue(fast)}–${formatValue(slow)}`,
          error,
        ]);
      }
    }
  }
  for (const run of runs) {
    const predicted = run.prediction?.prefixCacheHitRate;
    if (predicted === undefined) continue;
    const measured = run.summary.server?.prefixCache.hitRate ?? null;
    const points = measured === null ? "n/a" : `${predicted >= measured ? "+" : ""}${formatValue((predicted - measured) * 100, 1)} pts`;
    rows.push([
      run.label,
      "prefix-cache hits (%)",
      measured === null ? "n/a" : formatValue(measured * 100),
      formatValue(predicted * 100),
      "–",
      points,
    ]);
  }
  if (rows.length === 0) return undefined;
  return {
    header: ["run", "metric", "measured", "predicted", "range, fast – slow", "error"],
    align: ["left", "left", "right", "right", "right", "right"],
    rows,
  };
}

/**
 * What a run's prediction assumed (its timings), and why it may not be comparable with the run:
 * it simulated other requests than the run sent, or another stack.
 */
export function predictionNotes(run: PredictedRun & { stack: string | null }): { assumed: string[]; caveats: string[] } {
  const { prediction } = run;
  if (!prediction) return { assumed: [], caveats: [] };
  const caveats: string[] = [];
  if (prediction.trace.requests !== run.summary.requests.total) {
    caveats.push(
      `the prediction for ${run.label} simulated ${formatCount(prediction.trace.requests)} requests ` +
        `but the run sent ${formatCount(run.summary.requests.total)}: its figures are not for the same requests`,
    );
  }
  if (run.stack !== null && prediction.stack !== run.stack) {
    caveats.push(`${run.label}'s prediction.json is for stack ${terminalLine(prediction.stack)}, not ${run.stack}`);
  }
  return { assumed: [`the prediction for ${run.label} used ${terminalLine(prediction.perfModel)}`], caveats };
}

export function predictionText(runs: (PredictedRun & { stack: string | null })[]): string {
  const table = predictionTable(runs);
  if (!table) return "";
  const notes = runs
    .map(predictionNotes)
    .flatMap(({ assumed, caveats }) => [...caveats, ...assumed])
    .map((note) => `Note: ${note}.`);
  return `${textTable(table)}\n${notes.join("\n")}${notes.length ? "\n" : ""}`;
}
