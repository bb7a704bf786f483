import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../cli/stackFiles";
import { artifactDir, FIVE_REQUESTS, recordLine } from "./support/aiperfArtifacts";
import { STACK_TRACE, type CliResult } from "./support/cli";

/**
 * Runs the CLI (from source) on a directory it may not read: mode 000, and, since root reads
 * anything, run as user nobody (65534) when the tests run as root. The mode is put back after,
 * so that the scratch directory can be removed.
 */
function runCliOnUnreadableDir(args: string[], dir: string): CliResult {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(process.env.TMPDIR!, 0o711);
  chmodSync(dir, 0o000);
  try {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "cli", "main.ts"), ...args], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, TSX_DISABLE_CACHE: "1" },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    chmodSync(dir, 0o700);
  }
}

const records = FIVE_REQUESTS.map(recordLine).join("\n") + "\n";

describe("a run directory the user may not read", () => {
  for (const command of ["summarize", "compare"]) {
    test(`${command} says permission denied, not that aiperf's files are missing`, () => {
      const dir = artifactDir(records);
      const args = command === "summarize" ? ["summarize", dir] : ["compare", dir, "examples/agg-sample"];
      const result = runCliOnUnreadableDir(args, dir);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.equal(result.stderr, `error: ${dir}: permission denied\n`);
    });
  }
});
