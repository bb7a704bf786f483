// The benchmark Job's summary container runs this, bundled: `node summarize.js <artifact-dir> <goodput>`.
// It writes summary.json and summary.md beside aiperf's artifacts and prints them for the post-run hook.
import { parseGoodput } from "../../domain/slos";
import { summarizeRun } from "./runSummary";
import { summaryText } from "./formatSummary";
import { logMarkers, summaryFiles, writeSummaryFiles } from "./summaryFiles";
import { UserError } from "../../lib/userError";

async function main(): Promise<void> {
  const [dir, goodput] = process.argv.slice(2);
  const { summary, provenance } = await summarizeRun(dir, parseGoodput(goodput));
  const files = summaryFiles(dir, summary, provenance);
  writeSummaryFiles(dir, files);
  let output = summaryText(summary, provenance);
  for (const [name, text] of Object.entries(files) as [keyof typeof files, string][]) {
    const { begin, end } = logMarkers(name);
    output += `${begin}\n${text}${end}\n`;
  }
  process.stdout.write(output);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof UserError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exitCode = 1;
});
