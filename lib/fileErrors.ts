/** Why a file operation failed, in words, for the errors a user's path can cause. */
const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "something that is not a directory is already there",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "its symbolic links loop",
  EMFILE: "too many open files",
  EBUSY: "it is busy",
  EIO: "an input/output error",
  EINVAL: "the path is not valid here",
  ENXIO: "no such device",
};

/** A one-line reason for a Node file-system error; other errors give their message. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && code in REASONS) return REASONS[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** True for an error a file-system call raised on a path: it has an errno code and a path. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === "string" &&
    typeof (error as NodeJS.ErrnoException).path === "string"
  );
}
