import { notASearchableDirectory } from "../../lib/regularFile";
import { summarizeRun, SummaryError } from "../summary/runSummary";
import type { RunSummary } from "../summary/resultsSchema";
import { readSummaryJson, summarySource } from "../runs/summarySource";
import { SUMMARY_JSON } from "../summary/summaryFiles";
import type { Slos } from "../../domain/slos";
import { runLabel, type RunLabel } from "./runLabel";
import { predictionBeside } from "./predictedBesideMeasured";
import { printable } from "./printable";
import type { Prediction } from "../runs/predictionFile";
import type { RequestErrors } from "./requestErrors";

export interface RunInput extends RunLabel {
  dir: string;
  /** What `pulumi up` predicted for this run, saved beside it as prediction.json. */
  prediction?: Prediction;
  /** A per-request prediction (`simulate --requests-out`) joined to the run's records. */
  requestErrors?: RequestErrors;
  /** Where the summary came from: aiperf's artifacts, summarized now, or a summary.json. */
  source: "artifacts" | "summary.json";
  summary: RunSummary;
}

/**
 * One side of a comparison: an aiperf artifact directory, summarized now with the given SLOs, or a results directory
 * that holds a summary.json the post-run hook, `results pull` or `summarize --write` wrote, or else its artifacts in
 * artifacts/.
 */
export async function loadRun(dir: string, slos: Slos): Promise<RunInput> {
  const notDirectory = notASearchableDirectory(dir);
  if (notDirectory) throw new SummaryError(`${dir}: ${notDirectory}`);
  const source = summarySource(dir, "summary.json");
  if (source === undefined) {
    throw new SummaryError(`${dir}: holds neither aiperf's artifacts nor a ${SUMMARY_JSON}; give an artifact or results directory`);
  }
  const label = runLabel(dir);
  if (source.from === "summary.json")
    return withPrediction({ dir, ...label, source: "summary.json", summary: readSummaryJson(source.path) });
  const { summary, provenance } = await summarizeRun(source.dir, slos);
  const setAside =
    provenance.aggregateSetAside && `${printable(dir, 200)}: its metrics are its records' own: ${provenance.aggregateSetAside}`;
  const note = [label.note, setAside].filter(Boolean).join("; ");
  return withPrediction({ dir, ...label, ...(note ? { note } : {}), source: "artifacts", summary });
}

function withPrediction(run: RunInput): RunInput {
  const { prediction, note } = predictionBeside(run.dir);
  const notes = [run.note, note].filter((text): text is string => text !== undefined);
  return { ...run, ...(prediction ? { prediction } : {}), ...(notes.length > 0 ? { note: notes.join("; ") } : {}) };
}
