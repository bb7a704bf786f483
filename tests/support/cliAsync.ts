import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import type { CliResult } from "./cli";

/**
 * Runs the CLI in a process of its own without blocking this one, for tests whose stub servers
 * live in the test process and must go on answering while the CLI runs.
 */
export function runCliAsync(args: string[], cwd = PROJECT_ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, "cli", "launch.js"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
