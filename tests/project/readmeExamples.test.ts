import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "shell-quote";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runCli } from "../support/cli";

/** The README's `console` blocks: a `$ npx dynamo-bench …` line, then exactly what it prints. */
const examples = [
  ...readFileSync(join(PROJECT_ROOT, "README.md"), "utf8").matchAll(/^```console\n\$ npx dynamo-bench (.+)\n([\s\S]*?)^```$/gm),
].map(([, command, output]) => ({ command, output }));

test("the README shows expected output", () => assert.ok(examples.length >= 2, `${examples.length} console blocks`));

for (const { command, output } of examples) {
  test(`the README's output of \`npx dynamo-bench ${command}\` is what it prints`, async () => {
    const args = parse(command).map(String);
    const result = await runCli(args);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, output);
  });
}
