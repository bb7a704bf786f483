import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a process of its own, as `npm run cli -- <args>` does. */
export function runCli(args: string[], cwd = PROJECT_ROOT): CliResult {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "cli", "launch.js"), ...args], {
    cwd,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace line, which a user's mistake must never print. */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
