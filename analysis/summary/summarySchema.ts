import { parseRunSummary, type RunSummary } from "./resultsSchema";

/** A summary.json is about 2 KB: five metrics' statistics, a few counts and the SLOs. */
export const MAX_SUMMARY_JSON_BYTES = 2 ** 20;

/** The summary in a summary.json's text, or why it is not one. */
export function parseSummaryJson(text: string): { summary: RunSummary } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  return parseRunSummary(parsed);
}
