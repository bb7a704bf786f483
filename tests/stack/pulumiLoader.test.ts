import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

// Without ts-node's type check, which `npm run checks` does with tsc and the same options (see pulumiLoader.js).
test("the program compiles and runs under the Pulumi CLI's own TypeScript loader", () => {
  const loader = join(__dirname, "..", "support", "pulumiLoader.js");
  const result = spawnSync(process.execPath, [loader, "disagg", "--transpile-only"], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.match(summary.tsnode, /@pulumi\/pulumi\/vendor\/ts-node@/, "the vendored ts-node that `pulumi up` uses");
  assert.match(summary.typescript, /^5\./, "the project's TypeScript, not the vendored 3.8");
  assert.equal(summary.engineTypeChecks, true, "pulumi up type-checks the program, as tsc --noEmit does");
  assert.equal(summary.error, null);
  assert.equal(summary.graphName, "disagg-router-6p-2d");
  assert.ok(summary.types.includes("kubernetes:nvidia.com/v1alpha1:DynamoGraphDeployment"));
});
