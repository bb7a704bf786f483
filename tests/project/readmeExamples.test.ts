import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "shell-quote";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runCli } from "../support/cli";

/** The `console` blocks of a page: a `$ npx dynamo-bench …` line, then exactly what it prints. */
function examplesOf(page: string) {
  return [...readFileSync(join(PROJECT_ROOT, page), "utf8").matchAll(/^```console\n\$ npx dynamo-bench (.+)\n([\s\S]*?)^```$/gm)].map(
    ([, command, output]) => ({ page, command, output }),
  );
}

const examples = [...examplesOf("README.md"), ...examplesOf("examples/README.md")];

test("the READMEs show expected output", () => {
  assert.ok(examples.filter(({ page }) => page === "README.md").length >= 1);
  assert.ok(examples.filter(({ page }) => page === "examples/README.md").length >= 2);
});

for (const { page, command, output } of examples) {
  test(`${page}: the output of \`npx dynamo-bench ${command}\` is what it prints`, async () => {
    const args = parse(command).map(String);
    const result = await runCli(args);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, output);
  });
}
