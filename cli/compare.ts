import { writeFileSync } from "node:fs";
import { parseGoodput } from "../summary/goodput";
import { loadRun } from "../compare/runInput";
import { compareRuns } from "../compare/comparison";
import { comparisonMarkdown, comparisonText } from "../compare/formatComparison";
import { htmlReport } from "../compare/htmlReport";
import { UserError } from "../userError";

export interface CompareOptions {
  json?: boolean;
  markdown?: boolean;
  out?: string;
  goodput: string;
}

export async function compareCommand(baselineDir: string, candidateDir: string, options: CompareOptions): Promise<void> {
  const slos = parseGoodput(options.goodput);
  const comparison = compareRuns(await loadRun(baselineDir, slos), await loadRun(candidateDir, slos));
  if (options.out) {
    try {
      writeFileSync(options.out, htmlReport(comparison));
    } catch (error) {
      throw new UserError(`--out ${options.out}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    process.stderr.write(`wrote ${options.out}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(options.markdown ? comparisonMarkdown(comparison) : comparisonText(comparison));
}
