// Builds the summarizer that the benchmark Job runs, `stack/builders/scripts/summarize.js`: one
// self-contained script for a stock `node` image, with exactly the code `npx dynamo-bench summarize`
// runs. It is committed, and the builders read it as data, so nothing is compiled during `pulumi
// preview` or `up`. `npm test` fails when it is not what this script writes from analysis/summary/.
//
// Usage: npm run build            # rewrite stack/builders/scripts/summarize.js
//        npm run build -- --check # exit 1 if it is stale
import { readFileSync, writeFileSync } from "node:fs";
import { buildSummaryBundle, SUMMARY_BUNDLE_PATH } from "../cli/summaryBundle";

if (require.main === module) {
  const built = buildSummaryBundle();
  if (process.argv.includes("--check")) {
    if (readFileSync(SUMMARY_BUNDLE_PATH, "utf8") !== built) {
      const why = "analysis/summary/ changed since it was built. Rebuild it with: npm run build";
      process.stderr.write(`error: ${SUMMARY_BUNDLE_PATH} is stale: ${why}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${SUMMARY_BUNDLE_PATH} is up to date\n`);
    }
  } else {
    writeFileSync(SUMMARY_BUNDLE_PATH, built);
    process.stderr.write(`wrote ${SUMMARY_BUNDLE_PATH} (${Buffer.byteLength(built)} bytes)\n`);
  }
}
