import { loadRun } from "../compare/runInput";
import { terminalLine } from "../../lib/terminalText";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { baselineFirst, latestRunsOfOtherStacks, replaceInRun, savedWhen, type SavedRun } from "../runs/runDirectory";

/**
 * Compares a saved run with the newest successful run of every other stack under the same results
 * root, agg as the baseline, and writes each comparison beside the run as comparison-vs-<stack>.{md,html}:
 * anew each time, since a later run of the other stack is a new baseline.
 * A run that cannot be read, or a comparison that fails, is a note: never a failure of the report.
 */
export async function compareWithOtherStacks(resultsRoot: string, current: SavedRun, print: (text: string) => void): Promise<void> {
  const { runs, skipped, undecided } = latestRunsOfOtherStacks(resultsRoot, current.stack);
  for (const note of skipped) print(`Skipped a saved run that cannot be read: ${terminalLine(note)}`);
  for (const note of undecided) print(`Not compared: ${terminalLine(note)}`);
  for (const other of runs) {
    const [baseline, candidate] = baselineFirst(other, current);
    const name = `comparison-vs-${other.stack}`;
    try {
      const comparison = compareRuns(await loadRun(baseline.dir, {}), await loadRun(candidate.dir, {}));
      replaceInRun(current.dir, `${name}.md`, comparisonMarkdown(comparison));
      replaceInRun(current.dir, `${name}.html`, htmlReport(comparison));
      print(
        `\n${baseline.stack} (baseline) vs ${candidate.stack} (candidate), also in ${current.dir}/${name}.{md,html}; ` +
          `${other.stack}'s newest run is ${other.runId}, saved ${savedWhen(other)}:\n\n` +
          comparisonText(comparison),
      );
    } catch (error) {
      print(`Not compared with ${terminalLine(other.dir)}: ${terminalLine((error as Error).message)}`);
    }
  }
}
