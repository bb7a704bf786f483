// Builds the summarizer that the benchmark Job runs, `builders/scripts/summarize.js`: one
// self-contained script for a stock `node` image, with exactly the code `npx dynamo-bench summarize`
// runs. It is committed, and the builders read it as data, so nothing is compiled during `pulumi
// preview` or `up`. `npm test` fails when it is not what this script writes from summary/.
//
// Usage: npm run build            # rewrite builders/scripts/summarize.js
//        npm run build -- --check # exit 1 if it is stale
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { PROJECT_ROOT } from "../projectRoot";

export const SUMMARY_BUNDLE_PATH = join(PROJECT_ROOT, "builders", "scripts", "summarize.js");

export function buildSummaryBundle(): string {
  return buildSync({
    entryPoints: [join(PROJECT_ROOT, "summary", "inClusterEntry.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    write: false,
  }).outputFiles[0].text;
}

if (require.main === module) {
  const built = buildSummaryBundle();
  if (process.argv.includes("--check")) {
    if (readFileSync(SUMMARY_BUNDLE_PATH, "utf8") !== built) {
      process.stderr.write(`error: ${SUMMARY_BUNDLE_PATH} is stale: summary/ changed since it was built. Rebuild it with: npm run build\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${SUMMARY_BUNDLE_PATH} is up to date\n`);
    }
  } else {
    writeFileSync(SUMMARY_BUNDLE_PATH, built);
    process.stderr.write(`wrote ${SUMMARY_BUNDLE_PATH} (${Buffer.byteLength(built)} bytes)\n`);
  }
}
