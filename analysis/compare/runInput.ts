import { entryAt, notASearchableDirectory, readRegularFile } from "../../lib/regularFile";
import { join } from "node:path";
import { AGGREGATE_FILE, aiperfFileAt, RECORDS_FILE } from "../summary/aiperfFiles";
import { summarizeRun, SummaryError } from "../summary/runSummary";
import type { RunSummary } from "../summary/resultsSchema";
import { MAX_SUMMARY_JSON_BYTES, parseSummaryJson } from "../summary/summarySchema";
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
 * One side of a comparison: an aiperf artifact directory, summarized now with the given SLOs, or
 * a results directory that holds a summary.json the post-run hook or `summarize --write` wrote.
 */
export async function loadRun(dir: string, slos: Slos): Promise<RunInput> {
  const notDirectory = notASearchableDirectory(dir);
  if (notDirectory) throw new SummaryError(`${dir}: ${notDirectory}`);
  const path = join(dir, SUMMARY_JSON);
  const artifacts = [aiperfFileAt(dir, RECORDS_FILE), aiperfFileAt(dir, AGGREGATE_FILE)];
  const summaryJson = summaryJsonAt(path);
  // aiperf's files come first; one that cannot be read is named by summarizing, unless a summary.json stands in.
  if (artifacts.includes("file") || (summaryJson === "nothing" && artifacts.includes("other"))) {
    const { summary, provenance } = await summarizeRun(dir, slos);
    const label = runLabel(dir);
    const setAside =
      provenance.aggregateSetAside && `${printable(dir, 200)}: its metrics are its records' own: ${provenance.aggregateSetAside}`;
    const note = [label.note, setAside].filter(Boolean).join("; ");
    return withPrediction({ dir, ...label, ...(note ? { note } : {}), source: "artifacts", summary });
  }
  if (summaryJson === "nothing") {
    throw new SummaryError(`${dir}: holds neither aiperf's artifacts nor a ${SUMMARY_JSON}; give an artifact or results directory`);
  }
  let text: string;
  try {
    text = readRegularFile(path, { maxBytes: MAX_SUMMARY_JSON_BYTES, what: `a ${SUMMARY_JSON}` });
  } catch (error) {
    throw new SummaryError(`${path}: cannot read it (${(error as Error).message})`);
  }
  const parsed = parseSummaryJson(text);
  if ("problem" in parsed) throw new SummaryError(`${path}: ${parsed.problem}`);
  return withPrediction({ dir, ...runLabel(dir), source: "summary.json", summary: parsed.summary });
}

function withPrediction(run: RunInput): RunInput {
  const { prediction, note } = predictionBeside(run.dir);
  const notes = [run.note, note].filter((text): text is string => text !== undefined);
  return { ...run, ...(prediction ? { prediction } : {}), ...(notes.length > 0 ? { note: notes.join("; ") } : {}) };
}

function summaryJsonAt(path: string): ReturnType<typeof entryAt> {
  try {
    return entryAt(path);
  } catch (error) {
    throw new SummaryError(`${path}: cannot read it (${(error as Error).message})`);
  }
}
