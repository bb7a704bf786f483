import { join } from "node:path";
import { parseGoodput, type Slos } from "../domain/slos";
import { SAVED_SUMMARY, summarizeRun, SummaryError, type SummaryProvenance } from "../analysis/summary/runSummary";
import type { RunSummary } from "../analysis/summary/resultsSchema";
import { summaryText } from "../analysis/summary/formatSummary";
import { summaryFiles, writeSummaryFiles, SUMMARY_JSON, SUMMARY_MARKDOWN } from "../analysis/summary/summaryFiles";
import { implausibleText } from "../analysis/summary/recordPlausibility";
import { AGGREGATE_FILE, RECORDS_FILE } from "../analysis/summary/aiperfFiles";
import { readSummaryJson, summarySource, type SummarySource } from "../analysis/runs/summarySource";
import { sameSlos, sloConditions } from "../analysis/compare/sloText";
import { entryAt, notASearchableDirectory } from "../lib/regularFile";
import { sanitizedIo, type CommandIo } from "./io";

export interface SummarizeOptions {
  json?: boolean;
  goodput: string;
  /** --goodput was given on the command line, not left at the recipe's. */
  goodputGiven?: boolean;
  /** Also write summary.json and summary.md into the artifact directory. */
  write?: boolean;
}

/** A results directory's summary files, which `--write` never writes over: they are the run's saved summary. */
function refuseOverSavedSummary(dir: string, artifacts: string): void {
  for (const name of [SUMMARY_JSON, SUMMARY_MARKDOWN]) {
    if (entryAt(join(dir, name)) === "nothing") continue;
    throw new SummaryError(
      `--write: ${dir} is a results directory, and its ${name} is the run's saved summary, never written over; ` +
        `give ${artifacts} to write a summary beside the artifacts`,
    );
  }
}

/** A run's summary as a results directory saved it, with nothing to count anew. */
function savedSummary(dir: string, source: Extract<SummarySource, { from: "summary.json" }>, slos: Slos, options: SummarizeOptions) {
  if (options.write) {
    throw new SummaryError(`--write: ${dir} holds no aiperf artifacts to summarize, only its saved ${SUMMARY_JSON}, which stays as it is`);
  }
  const summary = readSummaryJson(source.path);
  if (options.goodputGiven && !sameSlos(slos, summary.goodput.slos)) {
    throw new SummaryError(
      `--goodput: ${dir} holds no aiperf artifacts, only its saved ${SUMMARY_JSON}, whose goodput counts ` +
        `${sloConditions(summary.goodput.slos)}; leave --goodput out, ` +
        "or copy the run's artifacts into it (npx dynamo-bench results pull) to count it anew",
    );
  }
  return { summary, provenance: SAVED_SUMMARY };
}

/**
 * `summarize <dir>`: an aiperf artifact directory, or a results directory, results/<stack>/<run-id>: its artifacts/
 * when pulled, or else the summary.json `pulumi up` saved.
 */
export async function summarizeCommand(dir: string, options: SummarizeOptions, rawIo: CommandIo): Promise<void> {
  const io = sanitizedIo(rawIo, options.json);
  const slos = parseGoodput(options.goodput);
  const notDirectory = notASearchableDirectory(dir);
  if (notDirectory) throw new SummaryError(`${dir}: ${notDirectory}`);
  const source = summarySource(dir, "artifacts");
  if (source === undefined) {
    throw new SummaryError(
      `${dir}: holds neither aiperf's ${RECORDS_FILE} or ${AGGREGATE_FILE}, in it or in its artifacts/, nor a ${SUMMARY_JSON}; ` +
        "give the directory aiperf wrote, or a results directory, results/<stack>/<run-id>",
    );
  }
  if (source.from === "summary.json") return print(dir, savedSummary(dir, source, slos, options), options, io);
  if (options.write && source.dir !== dir) refuseOverSavedSummary(dir, source.dir);
  const { summary, provenance } = await summarizeRun(source.dir, slos);
  const skipped = provenance.skippedLineNumbers.length;
  if (skipped > 0 && options.json) {
    io.err(`warning: skipped ${skipped} truncated or invalid line(s) of profile_export.jsonl\n`);
  }
  const leftOut = implausibleText(summary.requests.implausible);
  if (leftOut && options.json) io.err(`warning: ${RECORDS_FILE}: left out ${leftOut}\n`);
  if (provenance.aggregateSetAside !== undefined && options.json) {
    io.err(`warning: the metrics are the per-request records' own: ${provenance.aggregateSetAside}\n`);
  }
  const unrecorded = provenance.unrecordedSloMetrics;
  if (unrecorded.length > 0 && options.json) {
    io.err(`warning: goodput not known: no request that succeeded recorded ${unrecorded.join(", ")}\n`);
  }
  if (options.write) writeSummaryFiles(dir, summaryFiles(dir, summary, provenance));
  print(dir, { summary, provenance }, options, io);
}

function print(
  dir: string,
  { summary, provenance }: { summary: RunSummary; provenance: SummaryProvenance },
  options: SummarizeOptions,
  io: CommandIo,
) {
  io.out(options.json ? summaryFiles(dir, summary, provenance)[SUMMARY_JSON] : summaryText(summary, provenance));
}
