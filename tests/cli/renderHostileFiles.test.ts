import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, STACK_TRACE } from "../support/cli";
import { PROJECT_ROOT } from "../../cli/stackFiles";

const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-hostile-files-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const aliasBomb = ["config:", "  a: &a [x, x, x, x, x, x, x, x, x, x]"]
  .concat(["b", "c", "d", "e", "f", "g"].map((name, i) => `  ${name}: &${name} [${Array(10).fill(`*${"abcdefg"[i]}`).join(", ")}]`))
  .join("\n");

describe("render refuses a hostile stack file with one message, never a stack trace or a hang", () => {
  const fifo = join(dir, "Pulumi.fifo.yaml");
  execFileSync("mkfifo", [fifo]);
  mkdirSync(join(dir, "Pulumi.dir.yaml"));
  const cases: [string, string, RegExp][] = [
    ["malformed YAML", file("Pulumi.bad.yaml", "config:\n  dynamo-bench:variant: [agg\n"), /not valid YAML: .*\(line \d+, column \d+\)/],
    ["a directory", join(dir, "Pulumi.dir.yaml"), /it is a directory, not a file/],
    ["a pipe that never ends", fifo, /it is not a regular file/],
    ["a missing file", join(dir, "Pulumi.none.yaml"), /no such file or directory/],
    [
      "a huge file",
      file("Pulumi.huge.yaml", `config:\n  dynamo-bench:variant: agg\n# ${"x".repeat(2 * 1024 * 1024)}\n`),
      /has \d+ bytes; a stack file is a few kilobytes/,
    ],
    ["aliases that expand without bound", file("Pulumi.bomb.yaml", aliasBomb), /expands to more than 100000 values/],
    ["a list, not a map", file("Pulumi.list.yaml", "- config\n"), /must be a YAML map with a `config:` key/],
    ["config that is not a map", file("Pulumi.five.yaml", "config: 5\n"), /config: must be a map of keys to values/],
    [
      "binary garbage",
      file("Pulumi.binary.yaml", Buffer.from([0, 1, 2, 255, 254, 10, 58, 58])),
      /not valid YAML|must be a YAML map|variant|it is not UTF-8 text/,
    ],
    ["an empty file", file("Pulumi.empty.yaml", ""), /dynamo-bench:variant: must be "agg" or "disagg" \(it is not set\)/],
  ];
  for (const [name, path, message] of cases) {
    test(name, async () => {
      const result = await runCli(["render", "--config-file", path]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^error: Invalid config in /);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.equal(result.stdout, "");
    });
  }

  test("through npm, a relative --config-file is read from where the user typed the command", () => {
    const result = spawnSync("npm", ["run", "--silent", "cli", "--", "render", "--config-file", "../Pulumi.disagg.yaml"], {
      cwd: join(PROJECT_ROOT, "manifests"),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /name: disagg-router-6p-2d/);
  });

  test("a stack file that imports ESC environments renders, warning that their values are not in it", async () => {
    const path = file("Pulumi.esc.yaml", "environment:\n  - team/gpu-cluster\nconfig:\n  dynamo-bench:variant: agg\n");
    const result = await runCli(["render", "--config-file", path]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /warning: Pulumi\.esc\.yaml imports Pulumi ESC environments .* `pulumi preview` shows what the environments change/,
    );
  });
});
