import { writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { RunSummary, SummaryProvenance } from "./runSummary";
import { summaryMarkdown } from "./formatSummary";

export const SUMMARY_JSON = "summary.json";
export const SUMMARY_MARKDOWN = "summary.md";

export interface SummaryFiles {
  [SUMMARY_JSON]: string;
  [SUMMARY_MARKDOWN]: string;
}

export function summaryFiles(dir: string, summary: RunSummary, provenance: SummaryProvenance): SummaryFiles {
  return {
    [SUMMARY_JSON]: `${JSON.stringify(summary, null, 2)}\n`,
    [SUMMARY_MARKDOWN]: summaryMarkdown(`aiperf run ${basename(resolve(dir))}`, summary, provenance),
  };
}

export function writeSummaryFiles(dir: string, files: SummaryFiles): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** Lines that frame a file in the summary container's log, where the post-run hook finds it. */
export function logMarkers(file: keyof SummaryFiles): { begin: string; end: string } {
  return { begin: `----- BEGIN dynamo-bench ${file} -----`, end: `----- END dynamo-bench ${file} -----` };
}

/** The files the summary container printed, read back from its log. */
export function filesFromLog(log: string): Partial<SummaryFiles> {
  const found: Partial<SummaryFiles> = {};
  for (const name of [SUMMARY_JSON, SUMMARY_MARKDOWN] as const) {
    const { begin, end } = logMarkers(name);
    const start = log.indexOf(`${begin}\n`);
    const stop = log.indexOf(`${end}\n`, start);
    if (start !== -1 && stop !== -1) found[name] = log.slice(start + begin.length + 1, stop);
  }
  return found;
}
