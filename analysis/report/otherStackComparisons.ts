import { writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { loadRun } from "../compare/runInput";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { baselineFirst, latestRunsOfOtherStacks, type SavedRun } from "../runs/localResults";

/**
 * A comparison is derived from two saved summaries, so a later report writes it anew: against the other
 * stack's newest run at that time. The temporary name keeps a reader from seeing half a file.
 */
function writeDerivedFile(dir: string, name: string, text: string): void {
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, join(dir, name));
}

/**
 * Compares a saved run with the newest successful run of every other stack under the same results
 * root, agg as the baseline, and writes each comparison beside the run as comparison-vs-<stack>.{md,html}.
 * A run that cannot be read, or a comparison that fails, is a note: never a failure of the report.
 */
export async function compareWithOtherStacks(resultsRoot: string, current: SavedRun, print: (text: string) => void): Promise<void> {
  const { runs, skipped } = latestRunsOfOtherStacks(resultsRoot, current.stack);
  for (const note of skipped) print(`Skipped a saved run that cannot be read: ${note}`);
  for (const other of runs) {
    const [baseline, candidate] = baselineFirst(other, current);
    const name = `comparison-vs-${other.stack}`;
    try {
      const comparison = compareRuns(await loadRun(baseline.dir, {}), await loadRun(candidate.dir, {}));
      writeDerivedFile(current.dir, `${name}.md`, comparisonMarkdown(comparison));
      writeDerivedFile(current.dir, `${name}.html`, htmlReport(comparison));
      print(
        `\n${baseline.stack} (baseline) vs ${candidate.stack} (candidate), also in ${current.dir}/${name}.{md,html}:\n\n` +
          comparisonText(comparison),
      );
    } catch (error) {
      print(`Not compared with ${other.dir}: ${(error as Error).message}`);
    }
  }
}
