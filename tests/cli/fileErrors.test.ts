import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, availableStacks } from "../../cli/stackFiles";
import { writeOutputFile } from "../../cli/outputFile";
import { staleCommittedManifests } from "../../cli/renderCommand";
import { runCli, runInstalledCli, STACK_TRACE, type CliResult } from "../support/cli";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { DEFAULT_TRACE_FILE, TRACE_SLICE } from "../../domain/pins";
import { reachable, runCliWithUnreadable } from "../support/unreadable";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "dynamo-bench-files-"));
}

/** One `error:` line naming what is wrong, exit 1, nothing on stdout, no stack trace. */
function assertOneLine(result: CliResult, message: RegExp): void {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], message);
}

describe("files the user names: one line each, never a stack trace", () => {
  test("an unreadable trace", () => {
    const path = join(reachable(tempDir()), "trace.jsonl");
    writeFileSync(path, `${JSON.stringify([...conversationTrace(3)][0])}\n`);
    assertOneLine(runCliWithUnreadable(["trace", "stats", path], path), /trace\.jsonl: permission denied$/);
  });

  test("unreadable aiperf records", () => {
    const dir = reachable(tempDir());
    const path = join(dir, "profile_export.jsonl");
    writeFileSync(path, "{}\n");
    assertOneLine(runCliWithUnreadable(["summarize", dir], path), /profile_export\.jsonl: permission denied$/);
  });

  test("an unreadable stack file", () => {
    const path = join(reachable(tempDir()), "Pulumi.x.yaml");
    writeFileSync(path, "config: {}\n");
    const result = runCliWithUnreadable(["render", "--config-file", path], path);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Pulumi\.x\.yaml:\n  - cannot read the stack file: permission denied\n$/);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
  });

  const traces: [string, () => string, RegExp][] = [
    ["a directory", () => tempDir(), /: it is a directory, not a file$/],
    ["a character device", () => "/dev/null", /\/dev\/null: it is not a regular file/],
    ["a missing file", () => join(tempDir(), "none.jsonl"), /none\.jsonl: no such file or directory; fetch the trace with /],
    ["an empty path, as a failed $(trace fetch) gives", () => "", /^error: give the trace file: the path is empty; fetch the trace /],
    [
      "a path through a file",
      () => join(traceFile([...conversationTrace(2)]), "x.jsonl"),
      /x\.jsonl: a part of the path is a file, not a directory$/,
    ],
  ];
  for (const [name, path, message] of traces) {
    test(`trace stats on ${name}`, async () => assertOneLine(await runCli(["trace", "stats", path()]), message));
  }

  test("a trace line past 1 MiB is an error naming its line, found without reading the rest", async () => {
    const requests = [...conversationTrace(3)];
    const long = JSON.stringify({ ...requests[2], hash_ids: Array.from({ length: 300_000 }, (_, i) => i) });
    const path = traceFile([]);
    writeFileSync(path, `${JSON.stringify(requests[0])}\n${JSON.stringify(requests[1])}\n${long}\n`);
    assertOneLine(
      await runCli(["trace", "stats", path]),
      /, line 3: longer than 1 MiB, which no request of a trace is \(use --skip-invalid/,
    );
    const skipped = await runCli(["trace", "stats", path, "--skip-invalid", "--json"]);
    assert.equal(JSON.parse(skipped.stdout).requests, 2);
    assert.match(skipped.stderr, /skipped 1 invalid line\(s\): 3/);
  });

  test("render --out onto a file, or onto /dev/full", async () => {
    const file = join(tempDir(), "taken");
    writeFileSync(file, "mine");
    assertOneLine(
      await runCli(["render", "-s", "agg", "--out", file]),
      /^error: --out .*taken: cannot make this directory \(something that is not a directory is already there\)$/,
    );
    assert.equal(readFileSync(file, "utf8"), "mine");
    assertOneLine(await runCli(["render", "-s", "agg", "--out", "/dev/full"]), /^error: --out \/dev\/full: cannot make this directory/);
  });

  test("render --out makes the directory and its parents", async () => {
    const dir = join(tempDir(), "a", "b", "agg");
    const result = await runCli(["render", "-s", "agg", "--out", dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(join(dir, "dynamographdeployment-agg-8xtp2.yaml")));
  });
});

describe("a trace that is not there: how to fetch it, where to place it, and the slice shipped for offline use", () => {
  const missing = () => join(tempDir(), "conversation_trace.jsonl");
  const hint = new RegExp(
    String.raw`conversation_trace\.jsonl: no such file or directory; fetch the trace with npx dynamo-bench trace fetch ` +
      String.raw`\(it saves it as ${DEFAULT_TRACE_FILE}\), or place a copy there; ` +
      String.raw`offline, ${TRACE_SLICE.file} holds its first 300 requests$`,
  );
  const commands: [string, () => string[]][] = [
    ["trace stats", () => ["trace", "stats", missing()]],
    ["simulate", () => ["simulate", "--trace", missing(), "-s", "agg"]],
    ["simulate sweep split", () => ["simulate", "sweep", "split", "--trace", missing(), "-s", "disagg"]],
    ["calibrate", () => ["calibrate", "examples/agg-sample", "-s", "agg", "--trace", missing(), "--out", join(tempDir(), "c.json")]],
    ["report", () => ["report", "results/agg/none", "--trace", missing()]],
  ];
  for (const [name, args] of commands) {
    test(name, async () => assertOneLine(await runCli(args()), hint));
  }

  test("the slice it names is there, and the installed command exits 1 with the same line", () => {
    assert.ok(existsSync(join(PROJECT_ROOT, TRACE_SLICE.file)));
    assertOneLine(runInstalledCli(["trace", "stats", missing()]), hint);
  });
});

describe("writeOutputFile, behind --out and --chart", () => {
  test("makes the parent directories", () => {
    const path = join(tempDir(), "new", "deeper", "report.html");
    writeOutputFile("--out", path, "<html>");
    assert.equal(readFileSync(path, "utf8"), "<html>");
  });

  const refused: [string, () => string, RegExp][] = [
    ["a directory", () => tempDir(), /^--out .*: is a directory; give a file path$/],
    ["/dev/full", () => "/dev/full", /^--out \/dev\/full: cannot write it \(no space left on the device\)$/],
    [
      "a path through a file",
      () => join(traceFile([]), "report.html"),
      /^--out .*report\.html: cannot write it \(a part of the path is a file, not a directory\)$/,
    ],
    ["an empty path", () => "", /^--out: give a file path$/],
  ];
  for (const [name, path, message] of refused) {
    test(`refuses ${name} in one line`, () => assert.throws(() => writeOutputFile("--out", path(), "x"), { message }));
  }
});

describe("render --check: the folder holds exactly what render writes", () => {
  const copy = () => {
    const dir = tempDir();
    cpSync(join(PROJECT_ROOT, "manifests", "agg"), dir, { recursive: true });
    return dir;
  };
  const check = async (dir: string) => await runCli(["render", "-s", "agg", "--check", "--out", dir]);

  test("a fresh copy passes", async () => assert.equal((await check(copy())).status, 0));

  const strays: [string, (dir: string) => void, RegExp][] = [
    ["a stray *.yml", (dir) => writeFileSync(join(dir, "old.yml"), "kind: Job\n"), /old\.yml: render does not write this; remove it/],
    [
      "a hand-written *.yaml",
      (dir) => writeFileSync(join(dir, "notes.yaml"), "mine: true\n"),
      /notes\.yaml: render does not write this; remove it/,
    ],
    ["a folder", (dir) => mkdirSync(join(dir, "extra")), /extra: render does not write this; remove it/],
    [
      "a byte-order mark",
      (dir) => {
        const path = join(dir, "persistentvolumeclaim-model-cache.yaml");
        writeFileSync(path, `\uFEFF${readFileSync(path, "utf8")}`);
      },
      /^-\uFEFF# Generated by/m,
    ],
  ];
  for (const [name, spoil, shown] of strays) {
    test(`fails on ${name}`, async () => {
      const dir = copy();
      spoil(dir);
      const result = await check(dir);
      assert.equal(result.status, 1);
      assert.match(result.stdout, shown);
      // What render leaves (all but the byte-order mark's file, which it writes anew) is removed first.
      assert.match(
        result.stderr,
        new RegExp(
          String.raw`is stale: 1 file\(s\) differ from what render writes\. Refresh them with: ` +
            String.raw`(rm -r -- \S+\/(old\.yml|notes\.yaml|extra) && )?npx dynamo-bench render -s agg --out `,
        ),
      );
      assert.equal(/Refresh them with: rm -r/.test(result.stderr), name !== "a byte-order mark", result.stderr);
    });
  }

  test("with no stack it checks every Pulumi.<stack>.yaml, and finds a folder no stack renders", async () => {
    const committed = await runCli(["render", "--check"]);
    assert.equal(committed.status, 0, committed.stdout + committed.stderr);
    assert.match(committed.stderr, /manifests\/agg is up to date\n.*manifests\/disagg is up to date\n/);

    const root = tempDir();
    for (const stack of availableStacks()) cpSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), join(root, `Pulumi.${stack}.yaml`));
    cpSync(join(PROJECT_ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
    cpSync(join(PROJECT_ROOT, "manifests"), join(root, "manifests"), { recursive: true });
    assert.deepEqual(staleCommittedManifests(root).problems, []);
    mkdirSync(join(root, "manifests", "staging"));
    writeFileSync(join(root, "manifests", "disagg", "x.yml"), "");
    const { problems, staleStacks } = staleCommittedManifests(root);
    assert.deepEqual(problems, [
      `${join(root, "manifests", "staging")}: no Pulumi.staging.yaml renders this; remove it\n`,
      `${join(root, "manifests", "disagg", "x.yml")}: render does not write this; remove it\n`,
    ]);
    assert.deepEqual(staleStacks, [join(root, "manifests", "disagg")]);
  });

  test("--check --out with no stack asks which stack", async () => {
    assertOneLine(await runCli(["render", "--check", "--out", tempDir()]), /--check --out: give -s or --config-file/);
  });
});

describe("diff-manifests on hostile folders", () => {
  const render = async (stack = "agg") => {
    const dir = join(tempDir(), stack);
    assert.equal((await runCli(["render", "-s", stack, "--out", dir])).status, 0);
    return dir;
  };

  test("two folders laid out differently are named, not shown as every object removed and added", async () => {
    const perStack = tempDir();
    cpSync(join(PROJECT_ROOT, "manifests"), perStack, { recursive: true });
    const single = await render("agg");
    assertOneLine(
      await runCli(["diff-manifests", perStack, single]),
      new RegExp(
        String.raw`holds a directory per stack \(${availableStacks().join(", ")}\) but .*agg holds one stack's manifests: ` +
          String.raw`compare like with like, such as .*\/agg \(base\) with .*agg \(head\)$`,
      ),
    );
  });

  test("the pair it suggests keeps base and head in their places", async () => {
    const single = await render("agg");
    const perStack = tempDir();
    cpSync(join(PROJECT_ROOT, "manifests"), perStack, { recursive: true });
    assert.match(
      (await runCli(["diff-manifests", single, perStack])).stderr,
      new RegExp(`such as ${single} \\(base\\) with ${join(perStack, "agg")} \\(head\\)`),
    );
  });

  test("a directory with no manifests is refused, not reported as no changes", async () => {
    const empty = tempDir();
    writeFileSync(join(empty, "readme.txt"), "hi");
    assertOneLine(await runCli(["diff-manifests", empty, tempDir()]), /: holds no Kubernetes manifests/);
  });

  test("an object defined twice in one render is refused", async () => {
    const base = await render();
    const head = await render();
    cpSync(join(head, "persistentvolumeclaim-perf-cache.yaml"), join(head, "zz-copy.yaml"));
    assertOneLine(
      await runCli(["diff-manifests", base, head]),
      /zz-copy\.yaml: PersistentVolumeClaim perf-cache is defined again \(also in persistentvolumeclaim-perf-cache\.yaml\)/,
    );
  });

  test("with --exit-code, trouble exits 2, apart from a change's 1", async () => {
    const result = await runInstalledCli(["diff-manifests", await render(), join(tempDir(), "none"), "--exit-code"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error: .*none: no such directory\n$/);
  });

  test("a file where a directory goes is named as such", async () => {
    assertOneLine(
      await runCli(["diff-manifests", join(PROJECT_ROOT, "README.md"), await render()]),
      /README\.md: it is a file, not a directory$/,
    );
  });

  test("--exit-code: 1 when something changed, 0 when nothing did", async () => {
    const base = await render();
    const head = await render();
    assert.equal((await runCli(["diff-manifests", base, head, "--exit-code"])).status, 0);
    const file = join(head, "persistentvolumeclaim-model-cache.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("storage: ", "storage: 9"));
    const changed = await runInstalledCli(["diff-manifests", base, head, "--exit-code"]);
    assert.equal(changed.status, 1);
    assert.match(changed.stdout, /spec\.resources\.requests\.storage/);
    assert.equal((await runCli(["diff-manifests", base, head])).status, 0, "without --exit-code a change is not a failure");
  });

  const hostile: [string, (dir: string) => void, RegExp][] = [
    [
      "malformed YAML",
      (dir) => writeFileSync(join(dir, "bad.yaml"), "kind: Job\nmetadata: {name: [x\n"),
      /bad\.yaml: not valid YAML \(.*, line \d+\)$/,
    ],
    [
      "a YAML alias bomb",
      (dir) => {
        const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
        for (let i = 1; i < 9; i++)
          levels.push(
            `${"bcdefghij"[i - 1]}: &${"bcdefghij"[i - 1]} [${Array(10)
              .fill(`*${i === 1 ? "a" : "bcdefghij"[i - 2]}`)
              .join(",")}]`,
          );
        writeFileSync(
          join(dir, "bomb.yaml"),
          `kind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join("\n")}\n`,
        );
      },
      /bomb\.yaml: expands to more than 100000 values \(YAML aliases\?\); render never writes aliases$/,
    ],
    [
      "a file over 4 MiB",
      (dir) => writeFileSync(join(dir, "huge.yaml"), `# ${"x".repeat(5 * 2 ** 20)}\n`),
      /huge\.yaml: \d+ bytes, larger than any manifest render writes/,
    ],
    ["a pipe", (dir) => execFileSync("mkfifo", [join(dir, "pipe.yaml")]), /pipe\.yaml: cannot read it \(it is not a regular file/],
  ];
  for (const [name, spoil, message] of hostile) {
    test(`${name} in a render is one line`, async () => {
      const base = await render();
      const head = await render();
      spoil(head);
      assertOneLine(await runCli(["diff-manifests", base, head]), message);
    });
  }
});

describe("outputs that would block or half-write are refused before anything is written", () => {
  const fifo = () => {
    const path = join(tempDir(), "pipe");
    execFileSync("mkfifo", [path]);
    return path;
  };

  test("compare --out onto a pipe", async () => {
    assertOneLine(
      await runCli(["compare", "examples/agg-sample", "examples/disagg-sample", "--out", fifo()]),
      /--out .*pipe: is a pipe or socket, which would block until read; give a file path$/,
    );
  });

  test("simulate --chart onto a pipe", async () => {
    const trace = traceFile([...conversationTrace(20)]);
    assertOneLine(
      await runCli(["simulate", "sweep", "capacity", "--trace", trace, "-s", "agg", "--chart", fifo()]),
      /--chart .*pipe: is a pipe or socket/,
    );
  });

  test("render --out where one target is a pipe, or a directory, writes none of the files", async () => {
    for (const spoil of [(path: string) => execFileSync("mkfifo", [path]), (path: string) => mkdirSync(path)]) {
      const dir = tempDir();
      spoil(join(dir, "persistentvolumeclaim-perf-cache.yaml"));
      const result = await runCli(["render", "-s", "agg", "--out", dir]);
      assertOneLine(result, /--out .*persistentvolumeclaim-perf-cache\.yaml: is a (pipe or socket|directory)/);
      assert.deepEqual(readdirSync(dir), ["persistentvolumeclaim-perf-cache.yaml"]);
    }
  });

  test("an empty --out or --config-file is refused, not taken as absent", async () => {
    assertOneLine(await runCli(["render", "-s", "agg", "--out", ""]), /^error: --out: give a directory path$/);
    assertOneLine(await runCli(["render", "--config-file", ""]), /^error: --config-file: give a file path$/);
  });

  test("control characters in a path are shown escaped, so a name cannot fake a line or drive the terminal", async () => {
    const dir = join(tempDir(), "x\nerror: fake\u001b[31m");
    mkdirSync(dir);
    assertOneLine(await runCli(["summarize", dir]), /x\\nerror: fake\\x1b\[31m: /);
  });
});

describe("an output directory under a parent that refuses children (/proc) is one line, not an endless mkdir", () => {
  test("render --out", async () => {
    assertOneLine(
      await runCli(["render", "--stack", "agg", "--out", "/proc/self/nonexistent/dir"]),
      /^error: --out \/proc\/self\/nonexistent\/dir: cannot make this directory \(no such file or directory\)$/,
    );
  });

  test("--chart, --out and the others that write a file", () => {
    assert.throws(() => writeOutputFile("--chart", "/proc/self/nonexistent/split.svg", "<svg/>"), {
      message: "--chart /proc/self/nonexistent/split.svg: cannot write it (no such file or directory)",
    });
  });
});
