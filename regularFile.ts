import { readFileSync, statSync } from "node:fs";
import { describeFileError } from "./fileErrors";

/**
 * A file's text, read only if it is a regular file: a pipe or a device would be read until it
 * ends, which may be never. Throws an Error whose message says why, as one line.
 */
export function readRegularFile(path: string): string {
  const why = notARegularFile(path);
  if (why) throw new Error(why);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(describeFileError(error));
  }
}

/** Why `path` cannot be read as a file, in words; undefined when it is a regular file. */
export function notARegularFile(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return describeFileError(error);
  }
  if (stats.isDirectory()) return "it is a directory, not a file";
  if (!stats.isFile()) return "it is not a regular file (a pipe or a device would be read until it ends)";
  return undefined;
}

/** True when `path` is a regular file; false for anything else, or nothing. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
