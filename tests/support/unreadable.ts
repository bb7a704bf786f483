import { spawnSync } from "node:child_process";
import { chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import type { CliResult } from "./cli";

/**
 * Runs the CLI with `path` (a file or a directory) made unreadable, then gives it its mode back.
 * Root reads anything, so as root the CLI runs as user nobody (65534), from source (nobody could
 * not rebuild the bundle), after the test's scratch directory is made reachable to it.
 */
export function runCliWithUnreadable(args: string[], path: string): CliResult {
  const mode = statSync(path).mode & 0o777;
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(process.env.TMPDIR!, 0o711);
  chmodSync(path, 0o000);
  try {
    const result = spawnSync(
      process.execPath,
      ["--require", join(PROJECT_ROOT, "tests", "support", "typescript.cjs"), join(PROJECT_ROOT, "cli", "main.ts"), ...args],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    chmodSync(path, mode);
  }
}

/** Makes a directory of the test's reachable by another user, as runCliWithUnreadable runs as root. */
export function reachable(dir: string): string {
  chmodSync(dir, 0o711);
  return dir;
}
