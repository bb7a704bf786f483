import { writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseGoodput } from "../summary/goodput";
import { summarizeRun } from "../summary/runSummary";
import { summaryMarkdown, summaryText } from "../summary/formatSummary";

export const SUMMARY_JSON = "summary.json";
export const SUMMARY_MARKDOWN = "summary.md";

export interface SummarizeOptions {
  json?: boolean;
  goodput: string;
  /** Also write summary.json and summary.md into the artifact directory. */
  write?: boolean;
}

export async function summarizeCommand(dir: string, options: SummarizeOptions): Promise<void> {
  const { summary, provenance } = await summarizeRun(dir, parseGoodput(options.goodput));
  const skipped = provenance.skippedLineNumbers.length;
  if (skipped > 0 && options.json) {
    process.stderr.write(`warning: skipped ${skipped} truncated or invalid line(s) of profile_export.jsonl\n`);
  }
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  if (options.write) {
    writeFileSync(join(dir, SUMMARY_JSON), json);
    writeFileSync(join(dir, SUMMARY_MARKDOWN), summaryMarkdown(`aiperf run ${basename(resolve(dir))}`, summary, provenance));
  }
  process.stdout.write(options.json ? json : summaryText(summary, provenance));
}
