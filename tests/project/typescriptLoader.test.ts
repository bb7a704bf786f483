import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";

const LOADER = join(PROJECT_ROOT, "tests", "support", "typescript.cjs");

function runTypeScript(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(process.execPath, ["--require", LOADER, file], { encoding: "utf8", env });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test("the project's files are compiled once, before the first test, and loaded from there", () => {
  const compiled = process.env.DYNAMO_BENCH_COMPILED!;
  assert.ok(existsSync(join(compiled, PROJECT_ROOT, "lib", "projectRoot.js")), "every .ts file of the project, in one tree");
  assert.ok(existsSync(join(compiled, __filename.replace(/\.ts$/, ".js"))), "tests included");
});

test("a file saved after it was compiled runs as saved, not as compiled", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-loader-"));
  const file = join(dir, "saved.ts");
  writeFileSync(file, "const version: number = 1;\nprocess.stdout.write(String(version));\n");
  assert.equal(runTypeScript(file), "1", "a file outside the project is compiled when it is loaded");
  writeFileSync(file, "const version: number = 2;\nprocess.stdout.write(String(version));\n");
  assert.equal(runTypeScript(file), "2");
  writeFileSync(file, "const version: number = 3;\nprocess.stdout.write(String(version));\n");
  const earlier = new Date(Date.now() - 3_600_000);
  utimesSync(file, earlier, earlier);
  assert.equal(runTypeScript(file), "3", "a copy that keeps an older time (cp -p, tar x) is another version too");
});

test("a process started on its own compiles the project itself", () => {
  const env = { ...process.env, DYNAMO_BENCH_COMPILED: "", DYNAMO_BENCH_SCRATCH: "" };
  const file = join(mkdtempSync(join(tmpdir(), "dynamo-bench-loader-")), "alone.ts");
  writeFileSync(
    file,
    'import { PROJECT_ROOT } from "' + join(PROJECT_ROOT, "lib", "projectRoot") + '";\nprocess.stdout.write(PROJECT_ROOT);\n',
  );
  assert.equal(runTypeScript(file, env), PROJECT_ROOT);
});
