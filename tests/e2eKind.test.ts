import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { PROJECT_ROOT } from "../cli/stackFiles";

/**
 * The end-to-end script, run for real with kind, kubectl, helm and pulumi replaced by fakes that
 * record each call. The fake `pulumi up` saves a run in results/ as the hook would.
 */
function sandbox(options: { comparison?: boolean; lostClaim?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-e2e-"));
  mkdirSync(join(root, "scripts"));
  copyFileSync(join(PROJECT_ROOT, "scripts", "e2e-kind.sh"), join(root, "scripts", "e2e-kind.sh"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "calls.log");
  const fake = (name: string, body = "") => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\nexit 0\n`);
    chmodSync(join(bin, name), 0o755);
  };
  fake("kind");
  fake("helm");
  fake("kubectl", options.lostClaim ? `case "$*" in *"get pvc ${options.lostClaim} "*) exit 1 ;; esac` : "");
  fake(
    "pulumi",
    [
      'if [ "$1" = up ]; then',
      '  run="$FAKE_ROOT/results/$3/0123abcd"; mkdir -p "$run"; echo "{}" > "$run/summary.json"; echo "{}" > "$run/run.json"',
      `  if [ "$3" = mock-disagg ] && [ "${options.comparison === false ? "no" : "yes"}" = yes ]; then`,
      '    echo "| metric |" > "$run/comparison-vs-mock-agg.md"',
      "  fi",
      "fi",
    ].join("\n"),
  );
  const run = (...args: string[]) =>
    spawnSync("bash", [join(root, "scripts", "e2e-kind.sh"), ...args], {
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_ROOT: root, HOME: root, TMPDIR: root },
      encoding: "utf8",
    });
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
  return { root, run, calls };
}

describe("scripts/e2e-kind.sh, with the cluster tools faked", () => {
  test("creates the cluster and the platform, brings both mock stacks up and down, and checks results and caches", () => {
    const { root, run, calls } = sandbox();
    const result = run();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const made = calls();
    const at = (pattern: RegExp) => made.findIndex((call) => pattern.test(call));
    assert.match(made[0], /^kind create cluster --name dynamo-bench-e2e --wait 5m$/);
    assert.ok(
      at(/^helm install dynamo-platform https:\/\/helm\.ngc\.nvidia\.com\/nvidia\/ai-dynamo\/charts\/dynamo-platform-1\.3\.0\.tgz /) > 0,
    );
    assert.ok(at(/^kubectl create namespace dynamo-bench-mock$/) > 0);
    assert.ok(at(/^kubectl create secret generic hf-token-secret -n dynamo-bench-mock /) > 0);
    assert.ok(at(/^pulumi login file:\/\//) > 0);
    const upAgg = at(/^pulumi up -s mock-agg --yes/);
    const upDisagg = at(/^pulumi up -s mock-disagg --yes/);
    const downAgg = at(/^pulumi destroy -s mock-agg --yes/);
    assert.ok(upAgg > 0 && upDisagg > upAgg && downAgg > upDisagg, made.join("\n"));
    for (const claim of ["model-cache", "compilation-cache", "perf-cache"]) {
      assert.ok(at(new RegExp(`^kubectl get pvc ${claim} -n dynamo-bench-mock$`)) > downAgg, claim);
    }
    assert.equal(made.at(-1), "kind delete cluster --name dynamo-bench-e2e");
    assert.match(result.stdout, /both summaries and the comparison are there[\s\S]*the caches outlived destroy[\s\S]*the rehearsal passed/);
    assert.ok(!made.some((call) => /pulumi config set/.test(call)), "the stack files are left as committed");
    const state = /^pulumi login file:\/\/(.+)$/m.exec(made.join("\n"))![1];
    assert.ok(state.startsWith(root), "Pulumi's state goes in TMPDIR");
    assert.equal(existsSync(state), false, "and is removed with the cluster");
  });

  test("fails, naming what is missing, when the comparison was not saved or a cache is gone", () => {
    const noComparison = sandbox({ comparison: false }).run();
    assert.equal(noComparison.status, 1);
    assert.match(noComparison.stderr, /^e2e: results\/mock-disagg holds no comparison with mock-agg$/m);
    const lost = sandbox({ lostClaim: "perf-cache" });
    const result = lost.run();
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^e2e: PVC perf-cache is gone after destroy$/m);
    assert.equal(lost.calls().at(-1), "kind delete cluster --name dynamo-bench-e2e", "the cluster is removed on failure too");
  });

  test("check-results alone, on a results folder with nothing in it", () => {
    const result = sandbox().run("check-results");
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^e2e: results\/mock-agg holds no run with a summary\.json$/m);
  });
});

describe("the e2e workflow", () => {
  const read = () => readFileSync(join(PROJECT_ROOT, ".github", "workflows", "e2e-kind.yml"), "utf8");

  test("is a valid GitHub Actions workflow", async () => {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");
    const parsed = parseWorkflow({ name: "e2e-kind.yml", content: read() }, new NoOperationTraceWriter());
    assert.deepEqual(parsed.context.errors.getErrors().map(String), []);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    assert.deepEqual(template.errors ?? [], []);
  });

  test("runs the script on demand and nightly, after npm ci, with kind, helm and pulumi installed, and keeps results/", () => {
    const workflow = yaml.load(read()) as any;
    assert.deepEqual(Object.keys(workflow.on).sort(), ["schedule", "workflow_dispatch"]);
    const steps = workflow.jobs.e2e.steps;
    const runs = steps.map((step: any) => step.run).filter(Boolean);
    assert.ok(runs.includes("npm ci"));
    assert.ok(runs.includes("bash scripts/e2e-kind.sh"));
    const uses = steps.map((step: any) => String(step.uses));
    for (const action of [
      "actions/checkout@",
      "actions/setup-node@",
      "helm/kind-action@",
      "azure/setup-helm@",
      "pulumi/actions@",
      "actions/upload-artifact@",
    ]) {
      assert.ok(
        uses.some((use: string) => use.startsWith(action)),
        action,
      );
    }
    const upload = steps.find((step: any) => String(step.uses).startsWith("actions/upload-artifact@"));
    assert.equal(upload.if, "always()");
    assert.equal(upload.with.path, "results/");
  });
});
