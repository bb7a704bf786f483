import { SUMMARY_JSON, SUMMARY_MARKDOWN, filesFromLog } from "../../analysis/summary/summaryFiles";
import { parseSummaryJson } from "../../analysis/summary/summarySchema";
import { saveRejected, saveRun, type RunRecord } from "../../analysis/runs/runDirectory";
import type { JobLogReader } from "./jobLogs";

/** The commands that do by hand what the hook could not. */
export interface ManualCommands {
  /** Prints the summary container's log. */
  summaryLog: string;
  /** Copies the run's full artifacts. */
  artifacts: string;
}

export interface SaveRunSummaryArgs {
  run: RunRecord;
  namespace: string;
  /** The project's results/ directory. */
  resultsRoot: string;
  logs: JobLogReader;
  commands: ManualCommands;
  print: (text: string) => void;
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
 * After the benchmark Job completes: fetch the summary its summary container printed, check it, save
 * it in a new results/<stack>/<run-id>/ and print it. It never throws and never writes over a saved
 * run. The run's directory, or undefined when nothing was saved as a run.
 */
export async function saveRunSummary(args: SaveRunSummaryArgs): Promise<string | undefined> {
  const { run, print } = args;
  let log: string;
  try {
    log = await args.logs.containerLog(args.namespace, run.jobName, "summary");
  } catch (error) {
    print(
      `Could not fetch the summary of benchmark run ${run.runId} (${(error as Error).message}). ` +
        `The run itself is unaffected.\n${byHand(args.commands)}`,
    );
    return undefined;
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
      return undefined;
    }
    dir = saveRun(args.resultsRoot, run, checked.files);
  } catch (error) {
    print(
      `Could not save the summary of benchmark run ${run.runId} (${(error as Error).message}). ` +
        `The run itself is unaffected.\n${byHand(args.commands)}`,
    );
    return undefined;
  }
  print(`Benchmark run ${run.runId} of stack ${run.stack}, saved in ${dir}:\n\n${checked.files[SUMMARY_MARKDOWN]}`);
  return dir;
}
