import { join } from "node:path";
import { entryAt, notASearchableDirectory, readRegularFile } from "../../lib/regularFile";
import { AGGREGATE_FILE, aiperfFileAt, RECORDS_FILE } from "../summary/aiperfFiles";
import { SUMMARY_JSON } from "../summary/summaryFiles";
import { SummaryError } from "../summary/runSummary";
import type { RunSummary } from "../summary/resultsSchema";
import { MAX_SUMMARY_JSON_BYTES, parseSummaryJson } from "../summary/summarySchema";

/** Where a run's aiperf artifacts go inside its results directory, results/<stack>/<run-id>/, as `results pull` copies them. */
export const ARTIFACTS_DIR = "artifacts";

/** Where a directory's summary comes from: aiperf's artifacts, summarized now, or a summary.json saved before. */
export type SummarySource = { from: "artifacts"; dir: string } | { from: "summary.json"; path: string };

/** What aiperf's files at `dir` are: "file" when either is a file, "other" when only something that is not is there. */
function artifactsAt(dir: string): "nothing" | "file" | "other" {
  const entries = [aiperfFileAt(dir, RECORDS_FILE), aiperfFileAt(dir, AGGREGATE_FILE)];
  return entries.includes("file") ? "file" : entries.includes("other") ? "other" : "nothing";
}

function summaryJsonAt(path: string): ReturnType<typeof entryAt> {
  try {
    return entryAt(path);
  } catch (error) {
    throw new SummaryError(`${path}: cannot read it (${(error as Error).message})`);
  }
}

/**
 * Where the summary of `dir` comes from: an aiperf artifact directory, or a results directory (results/<stack>/<run-id>)
 * with its saved summary.json and, once pulled, its artifacts in artifacts/. `prefer` says which of a results
 * directory's two speaks for it when it has both. Something unreadable where aiperf's files go is summarized, so that
 * the summary names it, unless a summary.json stands in. Undefined when the directory holds none of them.
 */
export function summarySource(dir: string, prefer: SummarySource["from"]): SummarySource | undefined {
  const top = artifactsAt(dir);
  if (top === "file") return { from: "artifacts", dir };
  const nestedDir = join(dir, ARTIFACTS_DIR);
  const nested = top === "nothing" && notASearchableDirectory(nestedDir) === undefined ? artifactsAt(nestedDir) : "nothing";
  if (prefer === "artifacts" && nested === "file") return { from: "artifacts", dir: nestedDir };
  const path = join(dir, SUMMARY_JSON);
  if (summaryJsonAt(path) !== "nothing") return { from: "summary.json", path };
  if (nested !== "nothing") return { from: "artifacts", dir: nestedDir };
  if (top === "other") return { from: "artifacts", dir };
  return undefined;
}

/** The summary in a summary.json file; a SummaryError naming the file says why it is not one. */
export function readSummaryJson(path: string): RunSummary {
  let text: string;
  try {
    text = readRegularFile(path, { maxBytes: MAX_SUMMARY_JSON_BYTES, what: `a ${SUMMARY_JSON}` });
  } catch (error) {
    throw new SummaryError(`${path}: cannot read it (${(error as Error).message})`);
  }
  const parsed = parseSummaryJson(text);
  if ("problem" in parsed) throw new SummaryError(`${path}: ${parsed.problem}`);
  return parsed.summary;
}
