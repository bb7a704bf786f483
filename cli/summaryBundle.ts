// The summarizer that the benchmark Job runs, stack/builders/scripts/summarize.js: one self-contained
// script for a stock `node` image, with exactly the code `npx dynamo-bench summarize` runs. It is
// committed, and the builders read it as data, so nothing is compiled during `pulumi preview` or `up`.
import { join } from "node:path";
import { buildSync } from "esbuild";
import { PROJECT_ROOT } from "../lib/projectRoot";

export const SUMMARY_BUNDLE_PATH = join(PROJECT_ROOT, "stack", "builders", "scripts", "summarize.js");

export function buildSummaryBundle(): string {
  return buildSync({
    entryPoints: [join(PROJECT_ROOT, "analysis", "summary", "inClusterEntry.ts")],
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
