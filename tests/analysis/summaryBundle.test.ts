import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSummaryBundle, SUMMARY_BUNDLE_PATH } from "../../cli/summaryBundle";
import { bundleIdentity } from "../../stack/review/reviewForm";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { runCli } from "../support/cli";
import { SCRIPTS } from "../support/clusterScripts";

describe("the summarizer bundle, built once and read as data", () => {
  test("stack/builders/scripts/summarize.js is exactly what `npm run build` writes from summary/", () => {
    assert.ok(
      readFileSync(SUMMARY_BUNDLE_PATH, "utf8") === buildSummaryBundle(),
      "stale: run npm run build, and commit stack/builders/scripts/summarize.js",
    );
  });

  test("npm run build -- --check says so", () => {
    const result = spawnSync("npm", ["run", "--silent", "build", "--", "--check"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /summarize\.js is up to date/);
  });

  test("the applied ConfigMap carries the bundle itself; the committed render shows it by identity", async () => {
    const applied = (await runCli(["render", "-s", "agg"])).stdout;
    assert.ok(applied.includes(SCRIPTS.summarizeJs.trimEnd().split("\n")[0]), "render's output, which is applied, holds the bundle");
    const committed = readFileSync(join(PROJECT_ROOT, "manifests", "agg", "configmap-agg-8xtp2-benchmark-scripts.yaml"), "utf8");
    assert.match(
      committed,
      new RegExp(`^  summarize\\.js: ${bundleIdentity(SCRIPTS.summarizeJs).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
    );
    assert.match(bundleIdentity(SCRIPTS.summarizeJs), /^<bundle sha256:[0-9a-f]{64}, \d+ KB, built from summary\/ by npm run build>$/);
    assert.match(committed, /^  benchmark\.py: \|/m, "the Python entrypoint stays readable, line by line");
  });

  test("no line of a committed manifest is longer than 300 characters", () => {
    for (const stack of readdirSync(join(PROJECT_ROOT, "manifests"))) {
      for (const file of readdirSync(join(PROJECT_ROOT, "manifests", stack))) {
        const lines = readFileSync(join(PROJECT_ROOT, "manifests", stack, file), "utf8").split("\n");
        const longest = Math.max(...lines.map((line) => line.length));
        assert.ok(longest <= 300, `manifests/${stack}/${file} has a line of ${longest} characters`);
      }
    }
  });

  test("render --check verifies the digest, and diff-manifests shows the bundle's change as sha → sha", async () => {
    const base = mkdtempSync(join(tmpdir(), "bundle-base-"));
    const head = mkdtempSync(join(tmpdir(), "bundle-head-"));
    cpSync(join(PROJECT_ROOT, "manifests", "agg"), base, { recursive: true });
    cpSync(join(PROJECT_ROOT, "manifests", "agg"), head, { recursive: true });
    const file = join(base, "configmap-agg-8xtp2-benchmark-scripts.yaml");
    const other = bundleIdentity("an older bundle");
    writeFileSync(file, readFileSync(file, "utf8").replace(bundleIdentity(SCRIPTS.summarizeJs), other));

    const check = await runCli(["render", "-s", "agg", "--check", "--out", base]);
    assert.equal(check.status, 1);
    assert.match(check.stdout, new RegExp(`^-  summarize\\.js: <bundle sha256:${other.slice(15, 79)}`, "m"));

    const diff = await runCli(["diff-manifests", base, head]);
    assert.equal(diff.status, 0, diff.stderr);
    const digest = (identity: string) => identity.slice(15, 27);
    assert.match(
      diff.stdout,
      new RegExp(
        `data\\.summarize\\.js sha256:${digest(other)}… \\(0 KB\\) → ` +
          `sha256:${digest(bundleIdentity(SCRIPTS.summarizeJs))}… \\(\\d+ KB\\)\n`,
      ),
    );
  });
});
