import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, lstatSync, openSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** Paths that name a device or a process's open file (/dev/null, /dev/stdout, /proc/self/fd/1): written as they are. */
function isSystemPath(path: string): boolean {
  return /^\/(dev|proc)\//.test(resolve(path));
}

/** An error whose code lib/fileErrors.ts words, as the system's own would be. */
function isADirectory(): NodeJS.ErrnoException {
  return Object.assign(new Error("it is a directory, not a file"), { code: "EISDIR" });
}

/**
 * Writes `data` to `path` without ever writing through a link: the file is written beside `path` under
 * a new name (O_EXCL, so not through a link put there either) and renamed over it, which replaces a
 * link at `path`, or a hard link, and leaves the file it led to as it was. A reader never sees half a
 * file. A file already there keeps its permission bits. A device (/dev/null), or a link under /dev or
 * /proc (/dev/stdout), is written as it is. Throws the file-system error, with its code, for anything
 * else: a directory, a pipe or a socket.
 */
export function writeFileNoFollow(path: string, data: string | Uint8Array): void {
  const entry = lstatSync(path, { throwIfNoEntry: false });
  if (entry?.isCharacterDevice() || (entry?.isSymbolicLink() && isSystemPath(path))) {
    // Non-blocking: a device or a pipe behind /dev/stdout is written, never waited on to open.
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    return;
  }
  if (entry?.isDirectory()) throw isADirectory();
  if (entry && !entry.isFile() && !entry.isSymbolicLink()) {
    throw new Error("it is not a regular file; a pipe or a device could block the write forever");
  }
  // The directory a link at `path` names is refused as a directory would be, rather than replaced by a file.
  if (entry?.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw isADirectory();
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temporary, "wx", 0o666);
  try {
    try {
      if (entry?.isFile()) fchmodSync(fd, entry.mode & 0o7777);
      writeFileSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
