import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runInstalledCli, STACK_TRACE } from "../support/cli";

const BUNDLE = join(PROJECT_ROOT, "node_modules", ".cache", "dynamo-bench", "cli.js");

test("the CLI's bundle is rebuilt when a source file is newer, so a command never runs stale code", async () => {
  assert.equal((await runInstalledCli(["--help"])).status, 0);
  const built = statSync(BUNDLE).mtimeMs;
  const source = join(PROJECT_ROOT, "sim", "routing.ts");
  const justNewer = new Date(built + 1);
  utimesSync(source, justNewer, justNewer);
  const result = await runInstalledCli(["--help"]);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(statSync(BUNDLE).mtimeMs > built, "the bundle was rebuilt after the change");
  assert.match(result.stdout, /Commands:/);
});

test("editing the launcher's build options also rebuilds the bundle", async () => {
  assert.equal((await runInstalledCli(["--help"])).status, 0);
  const built = statSync(BUNDLE).mtimeMs;
  const justNewer = new Date(built + 1);
  utimesSync(join(PROJECT_ROOT, "cli", "launch.js"), justNewer, justNewer);
  assert.equal((await runInstalledCli(["--help"])).status, 0);
  assert.ok(statSync(BUNDLE).mtimeMs > built, "the bundle was rebuilt after the change");
});

test("a reader that stops early (| head) ends the command quietly, with no stack trace", () => {
  // render prints more than a pipe holds (the summarizer bundle alone is 67 KB), so its writes outlive head.
  const piped = spawnSync(
    "bash",
    ["-c", `"${process.execPath}" cli/launch.js render --stack agg | head -c 10; echo "status \${PIPESTATUS[0]}" >&2`],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(piped.stdout, "---\napiVer");
  assert.doesNotMatch(piped.stderr, STACK_TRACE);
  assert.doesNotMatch(piped.stderr, /EPIPE/);
  assert.match(piped.stderr, /status 0\n$/);
});
