// Every test process, and every program it starts, makes its temporary files under one directory,
// removed when the process that made it exits: no test leaves anything in /tmp. The test runner's
// process makes it, and the test files' processes, which inherit it, share it; so do the compiled
// files of ./typescript.cjs, which loads this first.
"use strict";
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const SHARED = "DYNAMO_BENCH_SCRATCH";
if (!process.env[SHARED]) {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-test-"));
  process.env[SHARED] = root;
  process.on("exit", () => rmSync(root, { recursive: true, force: true }));
}
process.env.TMPDIR = process.env[SHARED];
