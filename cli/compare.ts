import { parseGoodput } from "../summary/goodput";
import { loadRun, type RunInput } from "../compare/runInput";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { readRequestCdfs } from "../compare/requestCdf";
import { writeOutputFile } from "./outputFile";

export interface CompareOptions {
  json?: boolean;
  markdown?: boolean;
  out?: string;
  goodput: string;
}

/** A run summarized from aiperf's artifacts has its per-request values; a summary.json alone has percentiles. */
const requestCdfsOf = (run: RunInput) => (run.source === "artifacts" ? readRequestCdfs(run.dir) : Promise.resolve(undefined));

export async function compareCommand(baselineDir: string, candidateDir: string, options: CompareOptions): Promise<void> {
  const slos = parseGoodput(options.goodput);
  const baseline = await loadRun(baselineDir, slos);
  const candidate = await loadRun(candidateDir, slos);
  const comparison = compareRuns(baseline, candidate);
  if (options.out !== undefined) {
    const cdfs = { baseline: await requestCdfsOf(baseline), candidate: await requestCdfsOf(candidate) };
    writeOutputFile("--out", options.out, htmlReport(comparison, cdfs));
    process.stderr.write(`wrote ${options.out}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(options.markdown ? comparisonMarkdown(comparison) : comparisonText(comparison));
}
