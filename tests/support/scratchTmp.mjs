// Every test process, and every program it starts, makes its temporary files under one directory,
// removed when the process that made it exits: no test leaves anything in /tmp. The test runner's
// process makes it, and the test files' processes, which inherit it, share it; so does tsx's cache
// of compiled files, which each file would otherwise compile again. Plain JavaScript, so that it runs
// before tsx loads (`--import` it first).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SHARED = "DYNAMO_BENCH_SCRATCH";
if (!process.env[SHARED]) {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-test-"));
  process.env[SHARED] = root;
  process.on("exit", () => rmSync(root, { recursive: true, force: true }));
}
process.env.TMPDIR = process.env[SHARED];
