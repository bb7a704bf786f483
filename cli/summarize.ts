import { parseGoodput } from "../domain/slos";
import { summarizeRun } from "../analysis/summary/runSummary";
import { summaryText } from "../analysis/summary/formatSummary";
import { summaryFiles, writeSummaryFiles, SUMMARY_JSON } from "../analysis/summary/summaryFiles";
import { implausibleText } from "../analysis/summary/recordPlausibility";
import { RECORDS_FILE } from "../analysis/summary/aiperfFiles";
import type { CommandIo } from "./io";

export interface SummarizeOptions {
  json?: boolean;
  goodput: string;
  /** Also write summary.json and summary.md into the artifact directory. */
  write?: boolean;
}

export async function summarizeCommand(dir: string, options: SummarizeOptions, io: CommandIo): Promise<void> {
  const { summary, provenance } = await summarizeRun(dir, parseGoodput(options.goodput));
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
  const files = summaryFiles(dir, summary, provenance);
  if (options.write) writeSummaryFiles(dir, files);
  io.out(options.json ? files[SUMMARY_JSON] : summaryText(summary, provenance));
}
