import { accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, statSync } from "node:fs";
import { describeFileError } from "./fileErrors";

/** A cap on a file's size, and what the file is, for the reason given when it is over. */
export interface SizeCap {
  maxBytes: number;
  /** What such a file is, as in "more than the 16 MiB an aggregate can be". */
  what: string;
}

/**
 * A file's text, read only if it is a regular file: a pipe or a device would be read until it
 * ends, which may be never. With a cap, a larger file is refused unread: it would take seconds and
 * a gigabyte to find out it is not JSON. Throws an Error whose message says why, as one line.
 */
export function readRegularFile(path: string, cap?: SizeCap): string {
  return readRegularFileBytes(path, cap).toString("utf8");
}

/** As `readRegularFile`, for a binary file. */
export function readRegularFileBytes(path: string, cap?: SizeCap): Buffer {
  const why = notARegularFile(path);
  if (why) throw new Error(why);
  let fd: number | undefined;
  try {
    // Non-blocking, and checked again once open: a pipe put in its place since the check above
    // would otherwise block the open itself.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error("it is not a regular file (a pipe or a device would be read until it ends)");
    if (cap && stats.size > cap.maxBytes) throw new Error(tooLarge(stats.size, cap));
    return readFileSync(fd);
  } catch (error) {
    throw new Error(describeFileError(error));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(size: number, { maxBytes, what }: SizeCap): string {
  const cap = maxBytes % 2 ** 20 === 0 ? `${maxBytes / 2 ** 20} MiB` : `${maxBytes.toLocaleString("en-US")} bytes`;
  return `it is ${size.toLocaleString("en-US")} bytes, more than the ${cap} ${what} can be`;
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

/**
 * What is at `path`: nothing, a regular file, or something else. Throws an Error saying why when
 * that cannot be told (links that loop or lead nowhere, no permission): such a file is there, and
 * calling it absent would send the user looking for the wrong mistake.
 */
export function entryAt(path: string): "nothing" | "file" | "other" {
  try {
    return statSync(path).isFile() ? "file" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (isSymbolicLink(path)) throw new Error("it is a symbolic link to nothing");
      return "nothing";
    }
    throw new Error(describeFileError(error));
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Why `path` cannot be used as a directory whose files are opened by name, in words; undefined
 * when it can. Only search permission (x) is asked for: the files are opened by name, never listed.
 */
export function notASearchableDirectory(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : describeFileError(error);
  }
  if (stats.isFile()) return "it is a file, not a directory";
  if (!stats.isDirectory()) return "it is not a directory";
  try {
    accessSync(path, constants.X_OK);
  } catch (error) {
    return describeFileError(error);
  }
  return undefined;
}
