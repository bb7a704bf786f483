import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import yaml from "js-yaml";
import { availableStacks, PROJECT_ROOT } from "../../cli/stackFiles";
import { SCRIPTS } from "../support/clusterScripts";
import { workflowParser } from "../support/workflowParser";
import { runCli } from "../support/cli";

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dynamo-bench-${prefix}-`));
}

/** A render of both stacks into `<root>/<stack>`, from the committed stack files changed by `edit`. */
async function renderBoth(edit: (stack: string, text: string) => string = (_s, t) => t): Promise<string> {
  const root = tempDir("render");
  for (const stack of ["agg", "disagg"]) {
    const file = join(tempDir("stack"), `Pulumi.${stack}.yaml`);
    writeFileSync(file, edit(stack, readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")));
    const result = await runCli(["render", "--config-file", file, "--out", join(root, stack)]);
    rmSync(dirname(file), { recursive: true, force: true });
    assert.equal(result.status, 0, result.stderr);
  }
  return root;
}

describe("the committed manifests", () => {
  for (const stack of availableStacks()) {
    test(`manifests/${stack} is exactly what render writes (render --check)`, async () => {
      const result = await runCli(["render", "--stack", stack, "--check"]);
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    });
  }

  test("a stale copy fails --check with a unified diff and the command that refreshes it", async () => {
    const dir = tempDir("stale");
    cpSync(join(PROJECT_ROOT, "manifests", "disagg"), dir, { recursive: true });
    const file = join(dir, "dynamographdeployment-disagg-router-6p-2d.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("replicas: 6", "replicas: 5"));
    rmSync(join(dir, "persistentvolumeclaim-perf-cache.yaml"));
    const result = await runCli(["render", "--stack", "disagg", "--check", "--out", dir]);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^-      replicas: 5$/m);
    assert.match(result.stdout, /^\+      replicas: 6$/m);
    assert.match(result.stdout, /--- \/dev\/null\tcommitted\n\+\+\+ .*persistentvolumeclaim-perf-cache\.yaml\trendered/);
    assert.match(
      result.stderr,
      /is stale: 2 file\(s\) differ from what render writes\. Refresh them with: npx dynamo-bench render -s disagg --out /,
    );
  });

  test("secrets are redacted in rendered files", async () => {
    const root = await renderBoth((_stack, text) => `${text}  dynamo-bench:hfToken:\n    secure: v1:c2VjcmV0\n`);
    const secret = readFileSync(join(root, "agg", "secret-agg-8xtp2-hf-token.yaml"), "utf8");
    assert.match(secret, /HF_TOKEN: '<redacted: Pulumi secret dynamo-bench:hfToken>'/);
    assert.doesNotMatch(secret, /c2VjcmV0/);
  });
});

describe("diff-manifests, on real changes between two renders", () => {
  let base = "";
  before(async () => {
    base = await renderBoth();
  });

  test("a replica change shows as the field, old → new, in one compact comment", async () => {
    const head = await renderBoth((stack, text) => (stack === "disagg" ? text.replace("      replicas: 6", "      replicas: 4") : text));
    const result = await runCli(["diff-manifests", base, head, "--markdown"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        "### Kubernetes objects this pull request changes",
        "",
        "**agg: no changes**",
        "",
        "**disagg: 1 changed**",
        "",
        "- changed `DynamoGraphDeployment disagg-router-6p-2d`",
        "  - `spec.services.VllmPrefillWorker.replicas` 6 → 4",
        "",
      ].join("\n"),
    );
  });

  test("objects added and removed are listed, and long text is summarized", async () => {
    const head = await renderBoth((stack, text) =>
      stack === "agg"
        ? `${text}  dynamo-bench:hfToken:\n    secure: v1:eA==\n  dynamo-bench:benchmark:\n    enabled: false\n`
        : text
            .replace(
              "    name: disagg-router-6p-2d",
              "    name: disagg-router-6p-2d\n    image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0",
            )
            .replace("accessMode: ReadWriteMany", "accessMode: ReadWriteMany\n    storageClassName: cephfs"),
    );
    const script = join(head, "disagg", "job-disagg-router-6p-2d-model-download.yaml");
    writeFileSync(script, readFileSync(script, "utf8").replace("set -eu\n", "set -eu\n              umask 002\n"));
    const changes = JSON.parse((await runCli(["diff-manifests", base, head, "--json"])).stdout);
    const agg = changes.find((c: any) => c.stack === "agg");
    assert.deepEqual(agg.added, ["Secret agg-8xtp2-hf-token"]);
    assert.deepEqual(agg.removed, [
      "ConfigMap agg-8xtp2-benchmark-scripts",
      "Job agg-8xtp2-benchmark-run-id",
      "Role agg-8xtp2-benchmark",
      "RoleBinding agg-8xtp2-benchmark",
      "ServiceAccount agg-8xtp2-benchmark",
    ]);
    const disagg = changes.find((c: any) => c.stack === "disagg");
    const claim = disagg.changed.find((c: any) => c.object === "PersistentVolumeClaim model-cache");
    assert.deepEqual(claim.fields, [{ path: "spec.storageClassName", after: "cephfs" }]);
    const text = (await runCli(["diff-manifests", base, head])).stdout;
    assert.match(
      text,
      new RegExp(
        String.raw`spec\.services\.Frontend\.extraPodSpec\.mainContainer\.image nvcr\.io\/nvidia\/ai-dynamo\/vllm-runtime:1\.3\.1` +
          String.raw` → nvcr\.io\/nvidia\/ai-dynamo\/vllm-runtime:1\.4\.0`,
      ),
    );
    assert.match(text, /^  \+ Secret agg-8xtp2-hf-token$/m);
    const scriptLines = SCRIPTS.modelDownloadSh.split("\n").length;
    assert.match(
      text,
      new RegExp(String.raw`spec\.template\.spec\.containers\[0\]\.args\[0\] \(${scriptLines} lines\) → \(${scriptLines + 1} lines\)`),
    );
  });

  test("two equal renders: no changes", async () => {
    assert.match(
      (await runCli(["diff-manifests", base, await renderBoth(), "--markdown"])).stdout,
      /No changes to the rendered manifests\./,
    );
  });

  test("a missing directory is named", async () => {
    const result = await runCli(["diff-manifests", "/nonexistent/base", base]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /\/nonexistent\/base: no such directory/);
  });
});

describe("the pull-request workflows", () => {
  const read = (name: string) => readFileSync(join(PROJECT_ROOT, ".github", "workflows", name), "utf8");

  for (const name of ["ci.yml", "preview.yml", "manifest-diff-comment.yml"]) {
    test(`${name} is a valid GitHub Actions workflow`, async () => {
      const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = workflowParser();
      const parsed = parseWorkflow({ name, content: read(name) }, new NoOperationTraceWriter());
      assert.deepEqual(parsed.context.errors.getErrors().map(String), []);
      const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
      assert.deepEqual(template.errors ?? [], []);
    });
  }

  const preview = yaml.load(read("preview.yml")) as any;

  test("pulumi preview runs for both stacks with the pinned action, one edited comment each, quietly", () => {
    assert.deepEqual(Object.keys(preview.on), ["pull_request"]);
    const job = preview.jobs["pulumi-preview"];
    assert.deepEqual(job.strategy.matrix.stack, ["agg", "disagg"]);
    const pulumi = job.steps.find((step: any) => String(step.uses).startsWith("pulumi/actions@"));
    assert.equal(pulumi.uses, "pulumi/actions@v6");
    assert.deepEqual(
      { command: pulumi.with.command, comment: pulumi.with["comment-on-pr"], diff: pulumi.with.diff, edit: pulumi.with["edit-pr-comment"] },
      { command: "preview", comment: true, diff: true, edit: true },
    );
    assert.equal(pulumi.with["suppress-outputs"], true);
    assert.equal(pulumi.with["suppress-progress"], true);
    assert.equal(pulumi.with["stack-name"], "${{ matrix.stack }}");
  });

  test("without the secrets, as on forks, the preview job says so and passes", () => {
    const job = preview.jobs["pulumi-preview"];
    assert.match(job.env.PULUMI_ACCESS_TOKEN, /secrets\.PULUMI_ACCESS_TOKEN/);
    assert.match(job.env.PULUMI_BACKEND_URL, /secrets\.PULUMI_BACKEND_URL/);
    assert.match(job.env.KUBECONFIG_CONTENT, /secrets\.KUBECONFIG/);
    const [check, ...rest] = job.steps;
    assert.match(check.run, /::notice title=pulumi preview skipped::/);
    for (const step of rest) assert.equal(step.if, "steps.credentials.outputs.available == 'true'", step.name ?? step.uses ?? step.run);
  });

  test("ci.yml runs the README's test command, as .ci/run does, on every push and pull request", () => {
    const ci = yaml.load(read("ci.yml")) as any;
    assert.deepEqual(Object.keys(ci.on).sort(), ["pull_request", "push"]);
    const runs = ci.jobs.test.steps.map((step: any) => step.run).filter(Boolean);
    const ciRun = readFileSync(join(PROJECT_ROOT, ".ci", "run"), "utf8");
    assert.deepEqual(runs, ["npm ci", "npm test"]);
    assert.match(ciRun, /^npm ci\nnpm test\n$/m);
    assert.equal(ci.jobs.test.steps.find((step: any) => String(step.uses).startsWith("actions/setup-node")).with["node-version"], 20);
  });

  test("both jobs install with npm ci and cache npm", () => {
    for (const job of Object.values(preview.jobs) as any[]) {
      assert.ok(job.steps.some((step: any) => /npm ci/.test(step.run ?? "")));
      assert.equal(job.steps.find((step: any) => String(step.uses).startsWith("actions/setup-node")).with.cache, "npm");
    }
  });

  test("the manifest diff needs no secrets, and its comment is posted without running the pull request's code", () => {
    const diffJob = preview.jobs["manifest-diff"];
    assert.doesNotMatch(JSON.stringify(diffJob), /secrets\./);
    assert.ok(
      diffJob.steps.some((step: any) => /diff-manifests \.\.\/rendered\/base \.\.\/rendered\/head --markdown/.test(step.run ?? "")),
    );
    const comment = yaml.load(read("manifest-diff-comment.yml")) as any;
    assert.deepEqual(comment.on.workflow_run.workflows, [preview.name]);
    const steps = comment.jobs.comment.steps;
    assert.ok(!steps.some((step: any) => String(step.uses).startsWith("actions/checkout")));
    assert.equal(steps.at(-1).with.header, "manifest-diff");
  });
});

test("diff-manifests reads *.yml and *.json as well as *.yaml, as kubectl apply -f does: an object added in one is listed", async () => {
  const base = await renderBoth();
  const head = await renderBoth();
  const job = yaml.load(readFileSync(join(head, "agg", "job-agg-8xtp2-model-download.yaml"), "utf8")) as object;
  writeFileSync(join(head, "agg", "job-sneaky.yml"), yaml.dump({ ...job, metadata: { name: "sneaky" } }));
  writeFileSync(join(head, "agg", "job-sneaky-json.json"), JSON.stringify({ ...job, metadata: { name: "sneaky-json" } }));
  const result = await runCli(["diff-manifests", base, head]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^  \+ Job sneaky$/m);
  assert.match(result.stdout, /^  \+ Job sneaky-json$/m);
  rmSync(base, { recursive: true, force: true });
  rmSync(head, { recursive: true, force: true });
});
