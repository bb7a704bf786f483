import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runInstalledCli, STACK_TRACE } from "../support/cli";

// A bundle of these tests' own: they break it on purpose, while other test files run the shared one. It is
// beside the shared one, in node_modules/, where the bundle finds the packages it leaves out.
const CACHE = mkdtempSync(join(PROJECT_ROOT, "node_modules", ".cache", "dynamo-bench-test-"));
process.env.DYNAMO_BENCH_CACHE_DIR = CACHE;
after(() => rmSync(CACHE, { recursive: true, force: true }));
const BUNDLE = join(CACHE, "cli.js");

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

const INPUTS = `${BUNDLE}.inputs.json`;

test("a bundle removed or changed by hand is built again, and so is one built for another copy of the project", async () => {
  assert.equal((await runInstalledCli(["--version"])).status, 0);
  for (const spoil of [
    () => rmSync(BUNDLE),
    () => writeFileSync(BUNDLE, "garbage"),
    () => writeFileSync(INPUTS, JSON.stringify({ ...JSON.parse(readFileSync(INPUTS, "utf8")), root: "/elsewhere" })),
  ]) {
    spoil();
    const result = await runInstalledCli(["--version"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(JSON.parse(readFileSync(INPUTS, "utf8")).root, PROJECT_ROOT);
  }
});

test("a source file saved while the bundle was built is not taken as built: the next start builds again", async () => {
  const saved = statSync(join(PROJECT_ROOT, "lib", "terminalText.ts"));
  const file = join(PROJECT_ROOT, "lib", "terminalText.ts");
  // A time after the build starts is what a save during it leaves.
  const later = new Date(Date.now() + 60_000);
  try {
    utimesSync(file, later, later);
    assert.equal((await runInstalledCli(["--version"])).status, 0);
    assert.equal(JSON.parse(readFileSync(INPUTS, "utf8")).files["lib/terminalText.ts"], -1);
    const built = statSync(BUNDLE).mtimeMs;
    assert.equal((await runInstalledCli(["--version"])).status, 0);
    assert.ok(statSync(BUNDLE).mtimeMs > built, "built again");
  } finally {
    utimesSync(file, saved.atime, saved.mtime);
  }
});

test("a cache that cannot be written is one error line", async () => {
  const cache = join(BUNDLE, "..");
  const aside = `${cache}.aside-${process.pid}`;
  renameSync(cache, aside);
  try {
    writeFileSync(cache, "");
    const result = await runInstalledCli(["--version"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: cannot build the CLI's bundle at .*cli\.js: EEXIST: file already exists, mkdir .*\n$/);
  } finally {
    rmSync(cache, { force: true });
    renameSync(aside, cache);
  }
});

test("an output that cannot be written (> /dev/full) ends in one error line and status 1, in any command", () => {
  for (const command of ["render --stack agg", "--help", "--version"]) {
    const result = spawnSync("sh", ["-c", `"${process.execPath}" cli/launch.js ${command} > /dev/full`], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    assert.equal(result.status, 1, command);
    assert.equal(result.stderr, "error: cannot write the output: no space left on the device\n", command);
  }
});

test("a bundle built from another directory names its inputs from the project's root, and a start from anywhere uses it", () => {
  rmSync(BUNDLE, { force: true });
  const elsewhere = mkdtempSync(join(tmpdir(), "dynamo-bench-cwd-"));
  const launch = (cwd: string) =>
    spawnSync(process.execPath, [join(PROJECT_ROOT, "cli", "launch.js"), "--version"], { cwd, encoding: "utf8", env: process.env });
  try {
    assert.equal(launch(join(elsewhere)).status, 0);
    const files = Object.keys(JSON.parse(readFileSync(`${BUNDLE}.inputs.json`, "utf8")).files);
    assert.ok(files.includes("cli/main.ts"), files.slice(0, 3).join(", "));
    const built = statSync(BUNDLE).mtimeMs;
    const again = launch(PROJECT_ROOT);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(statSync(BUNDLE).mtimeMs, built, "not built again");
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
