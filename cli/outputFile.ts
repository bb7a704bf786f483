import { statSync } from "node:fs";
import { writeFileNoFollow } from "../lib/writeFileNoFollow";
import { makeDirectories } from "../lib/makeDirectories";
import { dirname } from "node:path";
import { describeFileError } from "../lib/fileErrors";
import { UserError } from "../lib/userError";

/**
 * Writes a file the user named with `flag` (`--out`, `--chart`), creating its parent directories, and
 * never through a link at the path (lib/writeFileNoFollow.ts). Any failure is one line naming the flag,
 * the path and why.
 */
export function writeOutputFile(flag: string, path: string, text: string): void {
  if (path === "") throw new UserError(`${flag}: give a file path`);
  try {
    assertWritableTarget(flag, path);
    makeDirectories(dirname(path));
    writeFileNoFollow(path, text);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${flag} ${path}: cannot write it (${describeFileError(error)})`);
  }
}

/**
 * Refuses a path that a write would not simply replace: a directory, or a pipe or socket, which
 * would block until some other process reads it, maybe forever. A device such as /dev/null is
 * written as it is.
 */
export function assertWritableTarget(flag: string, path: string): void {
  let stats;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw new UserError(`${flag} ${path}: cannot write it (${describeFileError(error)})`);
  }
  if (stats?.isDirectory()) throw new UserError(`${flag} ${path}: is a directory; give a file path`);
  if (stats?.isFIFO() || stats?.isSocket())
    throw new UserError(`${flag} ${path}: is a pipe or socket, which would block until read; give a file path`);
}

/** Makes the directory `--out` names, with its parents; one line naming the flag when it cannot. */
export function makeOutputDir(flag: string, path: string): void {
  if (path === "") throw new UserError(`${flag}: give a directory path`);
  try {
    makeDirectories(path);
  } catch (error) {
    throw new UserError(`${flag} ${path}: cannot make this directory (${describeFileError(error)})`);
  }
}
