import { join } from "node:path";
import { PROJECT_ROOT } from "../projectRoot";
import { buildSync } from "esbuild";

const ENTRY = join(PROJECT_ROOT, "summary", "inClusterEntry.ts");
let bundle: string | undefined;

/**
 * The summarizer as one self-contained script for a stock `node` image, so the benchmark Job
 * summarizes with exactly the code that `npm run cli -- summarize` runs. Built once per process.
 */
export function summaryBundle(): string {
  bundle ??= buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    write: false,
  }).outputFiles[0].text;
  return bundle;
}
