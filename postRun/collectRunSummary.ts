import { SUMMARY_JSON, SUMMARY_MARKDOWN, filesFromLog } from "../summary/summaryFiles";
import { loadRun } from "../compare/runInput";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { baselineFirst, latestRunsOfOtherStacks, saveRun, type RunRecord } from "./localResults";
import type { JobLogReader } from "./jobLogs";

export interface CollectRunSummaryArgs {
  run: RunRecord;
  namespace: string;
  /** The project's results/ directory. */
  resultsRoot: string;
  logs: JobLogReader;
  /** The command that copies the run's full artifacts, for when fetching fails. */
  retrievalCommand: string;
  print: (text: string) => void;
}

/**
 * After the benchmark Job completes: fetch the summary its summary container printed, save it
 * under results/<stack>/<run-id>/, print it, and compare it with the other stack's latest run.
 * It never throws: a failure prints the commands that do the same by hand.
 */
export async function collectRunSummary(args: CollectRunSummaryArgs): Promise<boolean> {
  const { run, namespace, print } = args;
  const manualLog = `kubectl logs -n ${namespace} job/${run.jobName} -c summary`;
  try {
    const log = await args.logs.containerLog(namespace, run.jobName, "summary");
    const files = filesFromLog(log);
    if (!files[SUMMARY_JSON] || !files[SUMMARY_MARKDOWN]) throw new Error("the summary container printed no summary");
    const dir = saveRun(args.resultsRoot, run, { [SUMMARY_JSON]: files[SUMMARY_JSON], [SUMMARY_MARKDOWN]: files[SUMMARY_MARKDOWN] });
    const current = { ...run, dir };
    print(`Benchmark run ${run.runId} of stack ${run.stack}, saved in ${dir}:\n\n${files[SUMMARY_MARKDOWN]}`);

    for (const other of latestRunsOfOtherStacks(args.resultsRoot, run.stack)) {
      const [baseline, candidate] = baselineFirst(other, current);
      const comparison = compareRuns(
        await loadRun(baseline.dir, {}),
        await loadRun(candidate.dir, {}),
      );
      const name = `comparison-vs-${other.stack}`;
      saveRun(args.resultsRoot, run, { [`${name}.md`]: comparisonMarkdown(comparison), [`${name}.html`]: htmlReport(comparison) });
      print(`\n${baseline.stack} (baseline) vs ${candidate.stack} (candidate), also in ${dir}/${name}.{md,html}:\n\n${comparisonText(comparison)}`);
    }
    return true;
  } catch (error) {
    print(
      `Could not fetch the summary of benchmark run ${run.runId} (${(error as Error).message}). The run itself is unaffected.\n` +
        `  Its summary:        ${manualLog}\n` +
        `  Its full artifacts: ${args.retrievalCommand}\n`,
    );
    return false;
  }
}
