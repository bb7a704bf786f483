import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../cli/stackFiles";
import { runCli } from "./support/cli";

const BUNDLE = join(PROJECT_ROOT, "node_modules", ".cache", "dynamo-bench", "cli.js");

test("the CLI's bundle is rebuilt when a source file is newer, so a command never runs stale code", () => {
  assert.equal(runCli(["--help"]).status, 0);
  const built = statSync(BUNDLE).mtimeMs;
  const source = join(PROJECT_ROOT, "sim", "routing.ts");
  const justNewer = new Date(built + 1);
  utimesSync(source, justNewer, justNewer);
  const result = runCli(["--help"]);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(statSync(BUNDLE).mtimeMs > built, "the bundle was rebuilt after the change");
  assert.match(result.stdout, /Commands:/);
});
