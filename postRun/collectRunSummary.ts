import { SUMMARY_JSON, SUMMARY_MARKDOWN, filesFromLog } from "../summary/summaryFiles";
import { parseSummaryJson } from "../summary/summarySchema";
import { loadRun } from "../compare/runInput";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { predictionText } from "../compare/predictedBesideMeasured";
import { PREDICTION_FILE } from "../sim/predictionFile";
import { addToRun, baselineFirst, latestRunsOfOtherStacks, saveRejected, saveRun, type RunRecord } from "./localResults";
import type { JobLogReader } from "./jobLogs";

/** The commands that do by hand what the hook could not. */
export interface ManualCommands {
  /** Prints the summary container's log. */
  summaryLog: string;
  /** Copies the run's full artifacts. */
  artifacts: string;
}

export interface CollectRunSummaryArgs {
  run: RunRecord;
  namespace: string;
  /** The project's results/ directory. */
  resultsRoot: string;
  logs: JobLogReader;
  commands: ManualCommands;
  print: (text: string) => void;
  /** The stack's prediction for this run, saved beside it as prediction.json, or why there is none. */
  predict?: () => Promise<{ text: string } | { note: string }>;
}

/** The log kept when it holds no valid summary, so a reader can see what the container printed. */
export const REJECTED_LOG = "summary-container.log";

function byHand(commands: ManualCommands): string {
  return `  Its summary:        ${commands.summaryLog}\n  Its full artifacts: ${commands.artifacts}\n`;
}

/** The summary files in the log, checked: summary.json must be a summary, and summary.md must be there. */
function summaryFrom(log: string): { files: Record<string, string> } | { problem: string } {
  const files = filesFromLog(log);
  const json = files[SUMMARY_JSON];
  const markdown = files[SUMMARY_MARKDOWN];
  if (json === undefined || markdown === undefined) return { problem: "the summary container printed no summary" };
  const parsed = parseSummaryJson(json);
  if ("problem" in parsed) return { problem: `its ${SUMMARY_JSON} is ${parsed.problem}` };
  if (markdown.trim() === "") return { problem: `its ${SUMMARY_MARKDOWN} is empty` };
  return { files: { [SUMMARY_JSON]: json, [SUMMARY_MARKDOWN]: markdown } };
}

/**
 * After the benchmark Job completes: fetch the summary its summary container printed, check it,
 * save it in a new results/<stack>/<run-id>/, print it, and compare it with the other stacks'
 * latest runs. It never throws, never writes over a saved run, and a comparison that fails is a
 * note, not a failure of the run's own summary.
 */
export async function collectRunSummary(args: CollectRunSummaryArgs): Promise<boolean> {
  const { run, print } = args;
  let log: string;
  try {
    log = await args.logs.containerLog(args.namespace, run.jobName, "summary");
  } catch (error) {
    print(
      `Could not fetch the summary of benchmark run ${run.runId} (${(error as Error).message}). ` +
        `The run itself is unaffected.\n${byHand(args.commands)}`,
    );
    return false;
  }
  const checked = summaryFrom(log);
  let dir: string;
  try {
    if ("problem" in checked) {
      const kept = saveRejected(args.resultsRoot, run, { [REJECTED_LOG]: log });
      print(
        `The summary of benchmark run ${run.runId} was not saved: ${checked.problem}. The container's log is kept apart in ${kept}, ` +
          `where no comparison reads it. The run itself is unaffected.\n${byHand(args.commands)}`,
      );
      return false;
    }
    dir = saveRun(args.resultsRoot, run, checked.files);
  } catch (error) {
    print(
      `Could not save the summary of benchmark run ${run.runId} (${(error as Error).message}). ` +
        `The run itself is unaffected.\n${byHand(args.commands)}`,
    );
    return false;
  }
  print(`Benchmark run ${run.runId} of stack ${run.stack}, saved in ${dir}:\n\n${checked.files[SUMMARY_MARKDOWN]}`);
  // A run that did not succeed is kept, but neither predicted beside nor compared with.
  if (run.failure !== undefined) return true;
  if (args.predict) {
    const prediction = await args.predict();
    if ("note" in prediction) print(`${prediction.note}.`);
    else {
      try {
        addToRun(dir, { [PREDICTION_FILE]: prediction.text });
        const saved = await loadRun(dir, {});
        print(`\nPredicted beside measured, also in ${dir}/${PREDICTION_FILE}:\n\n${predictionText([saved])}`);
      } catch (error) {
        print(`The prediction was not saved: ${(error as Error).message}.`);
      }
    }
  }

  const { runs, skipped } = latestRunsOfOtherStacks(args.resultsRoot, run.stack);
  for (const note of skipped) print(`Skipped a saved run that cannot be read: ${note}`);
  const current = { ...run, dir };
  for (const other of runs) {
    const [baseline, candidate] = baselineFirst(other, current);
    const name = `comparison-vs-${other.stack}`;
    try {
      const comparison = compareRuns(await loadRun(baseline.dir, {}), await loadRun(candidate.dir, {}));
      addToRun(dir, { [`${name}.md`]: comparisonMarkdown(comparison), [`${name}.html`]: htmlReport(comparison) });
      print(
        `\n${baseline.stack} (baseline) vs ${candidate.stack} (candidate), also in ${dir}/${name}.{md,html}:\n\n` +
          comparisonText(comparison),
      );
    } catch (error) {
      print(`Not compared with ${other.dir}: ${(error as Error).message}`);
    }
  }
  return true;
}
