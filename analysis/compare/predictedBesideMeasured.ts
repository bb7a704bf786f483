import { join } from "node:path";
import { entryAt, readRegularFile } from "../../lib/regularFile";
import { parsePrediction, PREDICTION_FILE, type Prediction } from "../runs/predictionFile";
import { formatCount, formatValue } from "../../lib/numbers";
import { textTable, type Table } from "../../lib/table";
import type { RunSummary } from "../summary/resultsSchema";
import { printable } from "./printable";
import { terminalLine } from "../../lib/terminalText";
import { OVERLOAD_NOTE, OVERLOADED_MS, OVERLOADED_TEXT } from "../../domain/overload";
import { sameSlos, sloConditions } from "./sloText";
import { knownGoodput } from "../summary/knownGoodput";

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

/** A predicted figure as the table prints it: a TTFT past OVERLOADED_MS is an overloaded stack's, and says so. */
function predictedText(figure: number | null | undefined, predicted: (typeof COMPARED)[number][2]): string | undefined {
  if (figure === null || figure === undefined) return undefined;
  return predicted === "timeToFirstToken" && figure > OVERLOADED_MS ? OVERLOADED_TEXT : formatValue(figure);
}

/** A range's two ends, fast – slow: "–" when there is none, "n/a" for an end that alone lacks the figure. */
function rangeCell(fast: string | undefined, slow: string | undefined): string {
  return fast === undefined && slow === undefined ? "–" : `${fast ?? "n/a"}–${slow ?? "n/a"}`;
}

/** The share of requests within the SLOs, in percent, when it was counted against these SLOs. */
function measuredGoodput(summary: RunSummary, slos: Record<string, number>): number | null {
  const fraction = knownGoodput(summary);
  return fraction !== null && sameSlos(summary.goodput.slos, slos) ? fraction * 100 : null;
}

/** `+1.2 pts`, or n/a. */
const pointsOff = (predicted: number, measured: number | null) =>
  measured === null ? "n/a" : `${predicted >= measured ? "+" : ""}${formatValue(predicted - measured, 1)} pts`;

/** Per run with a prediction: TTFT and ITL p50 and p90, measured and predicted, and the error in percent; goodput and hits in points. */
export function predictionTable(runs: PredictedRun[]): Table | undefined {
  const rows: string[][] = [];
  for (const run of runs) {
    if (!run.prediction) continue;
    const { range } = run.prediction;
    for (const [name, metric, predicted] of COMPARED) {
      const measured = run.summary.metrics[metric];
      const prediction = run.prediction[predicted];
      for (const statistic of ["p50", "p90"] as const) {
        const got = measured?.unit === "ms" ? measured[statistic] : null;
        const want = prediction?.[statistic] ?? null;
        const error =
          got !== null && want !== null && got > 0 ? `${want >= got ? "+" : ""}${formatValue(((want - got) / got) * 100, 1)}%` : "n/a";
        rows.push([
          run.label,
          `${name} ${statistic} (ms)`,
          got === null ? "n/a" : formatValue(got),
          predictedText(want, predicted) ?? "n/a",
          rangeCell(
            predictedText(range?.fast[predicted]?.[statistic], predicted),
            predictedText(range?.slow[predicted]?.[statistic], predicted),
          ),
          error,
        ]);
      }
    }
    const goodput = run.prediction.goodput;
    if (goodput) {
      const measured = measuredGoodput(run.summary, goodput.slos);
      const end = (fraction: number | null | undefined) =>
        fraction === null || fraction === undefined ? undefined : formatValue(fraction * 100);
      rows.push([
        run.label,
        "goodput (%)",
        measured === null ? "n/a" : formatValue(measured),
        formatValue(goodput.fraction * 100),
        rangeCell(end(range?.fast.goodput), end(range?.slow.goodput)),
        pointsOff(goodput.fraction * 100, measured),
      ]);
    }
  }
  for (const run of runs) {
    const predicted = run.prediction?.prefixCacheHitRate;
    if (predicted === undefined) continue;
    const measured = run.summary.server?.prefixCache.hitRate ?? null;
    rows.push([
      run.label,
      "prefix-cache hits (%)",
      measured === null ? "n/a" : formatValue(measured * 100),
      formatValue(predicted * 100),
      "–",
      pointsOff(predicted * 100, measured === null ? null : measured * 100),
    ]);
  }
  if (rows.length === 0) return undefined;
  return {
    header: ["run", "metric", "measured", "predicted", "range, fast – slow end", "error"],
    align: ["left", "left", "right", "right", "right", "right"],
    rows,
  };
}

/** Whether the table prints a figure of this prediction as overloaded. */
function showsOverload(prediction: Prediction): boolean {
  const { range } = prediction;
  return [prediction, range?.fast, range?.slow].some((figures) => {
    const ttft = figures?.timeToFirstToken;
    return ttft !== undefined && (ttft.p50 > OVERLOADED_MS || ttft.p90 > OVERLOADED_MS);
  });
}

/**
 * What a run's prediction assumed (its timings, the spans of its range), and why it may not be comparable
 * with the run: it simulated other requests than the run sent, or another stack, or counted goodput
 * against other SLOs.
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
  const goodput = prediction.goodput;
  if (goodput && !sameSlos(goodput.slos, run.summary.goodput.slos)) {
    caveats.push(
      `the prediction for ${run.label} counts goodput against ${sloConditions(goodput.slos)}, ` +
        `the run against ${sloConditions(run.summary.goodput.slos)}: the two are not compared`,
    );
  }
  const assumed = [`the prediction for ${run.label} used ${terminalLine(prediction.perfModel)}`];
  if (prediction.range) {
    // As simulate names them: the spans are the prediction's, from a file, and shown escaped.
    const spans = prediction.range.spans.map(terminalLine).join("; ");
    assumed.push(`the range of the prediction for ${run.label}: each end takes every span at that end: ${spans}`);
  }
  if (showsOverload(prediction)) assumed.push(OVERLOAD_NOTE);
  return { assumed, caveats };
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
