import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileNoFollow } from "../../lib/writeFileNoFollow";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { reportRun } from "../../cli/report";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { summaryFiles } from "../../analysis/summary/summaryFiles";
import { parseGoodput } from "../../domain/slos";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { TRACE_SLICE } from "../../domain/pins";
import { runCli } from "../support/cli";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-nofollow-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

/** A folder, and a victim file outside it that a link planted in the folder points to. */
function planted(): { dir: string; victim: string; plant: (name: string) => string } {
  const base = join(scratch, String(++count));
  const dir = join(base, "out");
  mkdirSync(dir, { recursive: true });
  const victim = join(base, "victim.txt");
  writeFileSync(victim, "VICTIM\n");
  return {
    dir,
    victim,
    plant: (name) => {
      const path = join(dir, name);
      symlinkSync(victim, path);
      return path;
    },
  };
}

function assertReplacedNotFollowed(path: string, victim: string): void {
  assert.equal(readFileSync(victim, "utf8"), "VICTIM\n", "the file the link points to is untouched");
  assert.ok(lstatSync(path).isFile(), `${path} is a file of its own now`);
  assert.notEqual(readFileSync(path, "utf8"), "VICTIM\n");
}

const sample = (stack: string) => join(PROJECT_ROOT, "examples", `${stack}-sample`);
const trace = join(PROJECT_ROOT, TRACE_SLICE.file);

describe("every writer replaces a link planted where it writes, and never writes through it", () => {
  test("summarize --write", async () => {
    const { dir, victim, plant } = planted();
    cpSync(sample("agg"), dir, { recursive: true });
    const path = plant("summary.md");
    const result = await runCli(["summarize", dir, "--write"]);
    assert.equal(result.status, 0, result.stderr);
    assertReplacedNotFollowed(path, victim);
  });

  test("render --out", async () => {
    const { dir, victim, plant } = planted();
    const path = plant("job-agg-8xtp2-model-download.yaml");
    const result = await runCli(["render", "-s", "agg", "--out", dir]);
    assert.equal(result.status, 0, result.stderr);
    assertReplacedNotFollowed(path, victim);
  });

  test("compare --out, simulate --requests-out, simulate sweep --chart, calibrate --out", async () => {
    const commands: [string, (path: string, dir: string) => string[]][] = [
      ["report.html", (path) => ["compare", sample("agg"), sample("disagg"), "--out", path]],
      ["requests.jsonl", (path) => ["simulate", "-s", "agg", "--trace", trace, "--requests-out", path]],
      ["capacity.svg", (path) => ["simulate", "sweep", "capacity", "-s", "agg", "--trace", trace, "--chart", path]],
      ["split.svg", (path) => ["simulate", "sweep", "split", "-s", "disagg", "--trace", trace, "--chart", path]],
    ];
    for (const [name, args] of commands) {
      const { dir, victim, plant } = planted();
      const path = plant(name);
      const result = await runCli(args(path, dir));
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      assertReplacedNotFollowed(path, victim);
    }
    // calibrate never writes over a calibration; a link to nothing is named in one line, not a crash.
    const { dir } = planted();
    cpSync(sample("agg"), dir, { recursive: true });
    const dangling = join(dir, "calibration.json");
    symlinkSync(join(dir, "nowhere.json"), dangling);
    const result = await runCli(["calibrate", dir, "-s", "agg", "--trace", trace, "--out", dangling]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: calibrate: .*calibration\.json: it is a symbolic link to nothing\n$/);
    assert.equal(existsSync(join(dir, "nowhere.json")), false);
  });

  test("report's comparisons, even with a link planted at the name its old temporary file took", async () => {
    const base = join(scratch, String(++count));
    const slos = parseGoodput(RECIPE_GOODPUT);
    for (const [stack, runId] of [
      ["agg", "11111111"],
      ["disagg", "22222222"],
    ]) {
      const dir = join(base, stack, runId);
      mkdirSync(dir, { recursive: true });
      const { summary, provenance } = await summarizeRun(sample(stack), slos);
      for (const [file, text] of Object.entries(summaryFiles(dir, summary, provenance))) writeFileSync(join(dir, file), text);
      writeFileSync(join(dir, "run.json"), JSON.stringify({ stack, variant: stack, runId, jobName: `${stack}-benchmark-${runId}` }));
    }
    const dir = join(base, "disagg", "22222222");
    const victim = join(base, "victim.txt");
    writeFileSync(victim, "VICTIM\n");
    symlinkSync(victim, join(dir, "comparison-vs-agg.md"));
    symlinkSync(victim, join(dir, `.comparison-vs-agg.html.${process.pid}.tmp`));
    await reportRun(dir, { print: () => undefined, tracePath: "unused" });
    assertReplacedNotFollowed(join(dir, "comparison-vs-agg.md"), victim);
    assert.match(readFileSync(join(dir, "comparison-vs-agg.html"), "utf8"), /<html/);
  });
});

describe("writeFileNoFollow", () => {
  test("a file there is replaced whole, keeps its permissions, and a hard link to it keeps the old text", () => {
    const { dir, victim } = planted();
    const path = join(dir, "out.txt");
    linkSync(victim, path);
    chmodSync(path, 0o640);
    writeFileNoFollow(path, "new");
    assert.equal(readFileSync(path, "utf8"), "new");
    assert.equal(readFileSync(victim, "utf8"), "VICTIM\n");
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ["out.txt"], "no temporary file is left");
  });

  test("a link to nothing is replaced, and nothing is made where it pointed", () => {
    const { dir } = planted();
    const path = join(dir, "out.txt");
    symlinkSync(join(dir, "elsewhere.txt"), path);
    writeFileNoFollow(path, "new");
    assert.equal(readFileSync(path, "utf8"), "new");
    assert.equal(existsSync(join(dir, "elsewhere.txt")), false);
  });

  test("a directory, a link to one, or a pipe is refused, and a device is written as it is", () => {
    const { dir } = planted();
    mkdirSync(join(dir, "sub"));
    assert.throws(() => writeFileNoFollow(join(dir, "sub"), "x"), { code: "EISDIR" });
    symlinkSync(join(dir, "sub"), join(dir, "link-to-sub"));
    assert.throws(() => writeFileNoFollow(join(dir, "link-to-sub"), "x"), { code: "EISDIR" });
    assert.equal(spawnSync("mkfifo", [join(dir, "fifo")]).status, 0);
    assert.throws(() => writeFileNoFollow(join(dir, "fifo"), "x"), /not a regular file/);
    writeFileNoFollow("/dev/null", "x");
    assert.deepEqual(readdirSync(dir).sort(), ["fifo", "link-to-sub", "sub"]);
  });
});
