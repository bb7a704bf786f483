import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { runCli as runProgram } from "../../cli/program";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command in this process, as `dynamo-bench <args>` run from `cwd` would: the same program,
 * its output captured. A bug's stack lands in stderr with status 1, as it would from the process.
 * Tests in one file run one at a time, so changing directory for the command is safe.
 */
export async function runCli(args: string[], cwd = PROJECT_ROOT): Promise<CliResult> {
  const result = { status: null as number | null, stdout: "", stderr: "" };
  const before = process.cwd();
  process.chdir(cwd);
  try {
    result.status = await runProgram(args, { out: (text) => void (result.stdout += text), err: (text) => void (result.stderr += text) });
  } catch (error) {
    result.stderr += `${(error as Error).stack ?? String(error)}\n`;
    result.status = 1;
  } finally {
    process.chdir(before);
  }
  return result;
}

/** Runs the installed command, `cli/launch.js`, in a process of its own, as `npx dynamo-bench <args>` does. */
export function runInstalledCli(args: string[], cwd = PROJECT_ROOT): CliResult {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "cli", "launch.js"), ...args], {
    cwd,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace line, which a user's mistake must never print. */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
