import { readFileSync, statSync } from "node:fs";

/**
 * A file's text, read only if it is a regular file: a pipe or a device would be read until it
 * ends, which may be never. Throws an Error whose message says why, as one line.
 */
export function readRegularFile(path: string): string {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new Error(describeReadError(error));
  }
  if (stats.isDirectory()) throw new Error("it is a directory, not a file");
  if (!stats.isFile()) throw new Error("it is not a regular file");
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(describeReadError(error));
  }
}

/** True when `path` is a regular file; false for anything else, or nothing. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "the file does not exist";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "its symbolic links loop";
  return (error as Error).message;
}
