import { parseGoodput } from "../domain/slos";
import { loadRun, type RunInput } from "../analysis/compare/runInput";
import { compareRuns } from "../analysis/compare/comparison";
import { comparisonMarkdown, comparisonText } from "../analysis/compare/formatComparison";
import { htmlReport } from "../analysis/compare/htmlReport";
import { readRequestCdfs } from "../analysis/compare/requestCdf";
import { writeOutputFile } from "./outputFile";
import { joinRequests } from "../analysis/compare/requestErrors";
import { UserError } from "../lib/userError";
import { sanitizedIo, type CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

export interface CompareOptions {
  json?: boolean;
  markdown?: boolean;
  out?: string;
  goodput: string;
  /** --goodput was given on the command line, not left at the recipe's. */
  goodputGiven?: boolean;
  /** Per-request predictions (`simulate --requests-out`) of each run. */
  baselineRequests?: string;
  candidateRequests?: string;
}

/** A run summarized from aiperf's artifacts has its per-request values; a summary.json alone has percentiles. */
const requestCdfsOf = (run: RunInput) => (run.source === "artifacts" ? readRequestCdfs(run.dir) : Promise.resolve(undefined));

const joined = (flag: string, file: string | undefined, dir: string) =>
  file === undefined ? Promise.resolve(undefined) : joinRequests(flag, file, dir);

export async function compareCommand(baselineDir: string, candidateDir: string, options: CompareOptions, rawIo: CommandIo): Promise<void> {
  const io = sanitizedIo(rawIo, options.json);
  const slos = parseGoodput(options.goodput);
  const baseline = await loadRun(baselineDir, slos);
  const candidate = await loadRun(candidateDir, slos);
  if (options.goodputGiven && baseline.source === "summary.json" && candidate.source === "summary.json") {
    throw new UserError(
      "--goodput: both runs are results directories, whose summary.json already counts goodput against its own SLOs; " +
        "leave --goodput out, or give aiperf artifact directories to count it anew",
    );
  }
  const baselineJoin = await joined("--baseline-requests", options.baselineRequests, baseline.dir);
  const candidateJoin = await joined("--candidate-requests", options.candidateRequests, candidate.dir);
  const comparison = compareRuns(
    { ...baseline, ...(baselineJoin && { requestErrors: baselineJoin.errors }) },
    { ...candidate, ...(candidateJoin && { requestErrors: candidateJoin.errors }) },
  );
  if (options.out !== undefined) {
    const cdfs = { baseline: await requestCdfsOf(baseline), candidate: await requestCdfsOf(candidate) };
    const pairs = { baseline: baselineJoin?.pairs, candidate: candidateJoin?.pairs };
    writeOutputFile("--out", options.out, htmlReport(comparison, cdfs, pairs));
    io.err(`wrote ${terminalText(options.out)}\n`);
  }
  if (options.json) io.out(`${JSON.stringify(comparison, null, 2)}\n`);
  else io.out(options.markdown ? comparisonMarkdown(comparison) : comparisonText(comparison));
}
