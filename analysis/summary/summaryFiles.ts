import { lstatSync, statSync } from "node:fs";
import { writeFileNoFollow } from "../../lib/writeFileNoFollow";
import { basename, join, resolve } from "node:path";
import { describeFileError } from "../../lib/fileErrors";
import { SummaryError, type SummaryProvenance } from "./runSummary";
import type { RunSummary } from "./resultsSchema";
import { summaryMarkdown } from "./formatSummary";

export const SUMMARY_JSON = "summary.json";
export const SUMMARY_MARKDOWN = "summary.md";

export interface SummaryFiles {
  [SUMMARY_JSON]: string;
  [SUMMARY_MARKDOWN]: string;
}

export function summaryFiles(dir: string, summary: RunSummary, provenance: SummaryProvenance): SummaryFiles {
  return {
    [SUMMARY_JSON]: `${JSON.stringify(summary, null, 2)}\n`,
    [SUMMARY_MARKDOWN]: summaryMarkdown(`aiperf run ${basename(resolve(dir))}`, summary, provenance),
  };
}

const NOT_REGULAR = "it is not a regular file; a pipe or a device could block the write forever";

/** Why `path` cannot be written as a file, in words; undefined when nothing is there, or a regular file. */
function notWritableAsFile(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return "it is a directory, not a file";
    return stats.isFile() ? undefined : NOT_REGULAR;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return describeFileError(error);
  }
  try {
    // A link that leads nowhere is refused; one to a file is replaced by the write, never followed.
    return lstatSync(path).isSymbolicLink() ? "it is a symbolic link to nothing" : undefined;
  } catch {
    return undefined;
  }
}

/** A file written anew and renamed into place: a link planted at `path` is replaced, never written through. */
function writeRegularFile(path: string, text: string): void {
  try {
    writeFileNoFollow(path, text);
  } catch (error) {
    throw new SummaryError(`${path}: cannot write it (${describeFileError(error)})`);
  }
}

/**
 * Writes the summary files into `dir`, after checking every one of them: a summary.json written
 * beside a summary.md that cannot be would pair a new summary with an old one.
 */
export function writeSummaryFiles(dir: string, files: SummaryFiles): void {
  for (const name of Object.keys(files)) {
    const path = join(dir, name);
    const why = notWritableAsFile(path);
    if (why) throw new SummaryError(`${path}: cannot write it (${why})`);
  }
  for (const [name, text] of Object.entries(files)) writeRegularFile(join(dir, name), text);
}

/** Lines that frame a file in the summary container's log, where the post-run hook finds it. */
export function logMarkers(file: keyof SummaryFiles): { begin: string; end: string } {
  return { begin: `----- BEGIN dynamo-bench ${file} -----`, end: `----- END dynamo-bench ${file} -----` };
}

/** The files the summary container printed, read back from its log. */
export function filesFromLog(log: string): Partial<SummaryFiles> {
  const found: Partial<SummaryFiles> = {};
  for (const name of [SUMMARY_JSON, SUMMARY_MARKDOWN] as const) {
    const { begin, end } = logMarkers(name);
    const start = log.indexOf(`${begin}\n`);
    const stop = log.indexOf(`${end}\n`, start);
    if (start !== -1 && stop !== -1) found[name] = log.slice(start + begin.length + 1, stop);
  }
  return found;
}
