import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { workflowParser } from "../support/workflowParser";

/**
 * The end-to-end script, run for real with kind, kubectl, helm and pulumi replaced by fakes that
 * record each call. The fake `pulumi up` saves a run in results/ as the hook would.
 */
interface SandboxOptions {
  comparison?: boolean;
  lostClaim?: string;
  /** Free disk df reports, in GiB as df -k counts it. */
  freeGB?: number;
  /** What `docker info` and `df` do instead of answering. */
  dockerInfo?: "fails" | "no-such-root";
  df?: "fails";
  env?: Record<string, string>;
}

function sandbox(options: SandboxOptions = {}) {
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
  mkdirSync(join(root, "docker-data"));
  fake(
    "docker",
    [
      `case "$1" in info) ${
        options.dockerInfo === "fails"
          ? 'echo "Cannot connect to the Docker daemon" >&2; exit 1'
          : `echo "${join(root, options.dockerInfo === "no-such-root" ? "nowhere" : "docker-data")}"`
      } ;;`,
      '  exec) echo "IMAGE TAG IMAGE ID SIZE"; echo "nvcr.io/nvidia/ai-dynamo/dynamo-planner 1.3.1 0123 1.2GB" ;;',
      '  stats) echo "NAME CPU % MEM USAGE / LIMIT"; echo "dynamo-bench-e2e-control-plane 12% 5GiB / 15GiB" ;;',
      "esac",
    ].join("\n"),
  );
  const freeKb = (options.freeGB ?? 50) * 1024 * 1024;
  fake(
    "df",
    options.df === "fails"
      ? 'echo "df: /proc/x: Permission denied" >&2; exit 1'
      : `echo "Filesystem 1024-blocks Used Available Capacity Mounted on"; echo "/dev/fake ${2 * freeKb} ${freeKb} ${freeKb} 50% /"`,
  );
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
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_ROOT: root, HOME: root, TMPDIR: root, ...options.env },
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
    assert.ok(at(/^kind create cluster --name dynamo-bench-e2e --wait 5m$/) >= 0, made.join("\n"));
    assert.ok(
      at(/^helm install dynamo-platform https:\/\/helm\.ngc\.nvidia\.com\/nvidia\/ai-dynamo\/charts\/dynamo-platform-1\.3\.0\.tgz /) > 0,
    );
    assert.ok(at(/^kubectl create namespace dynamo-bench-mock$/) > 0);
    assert.ok(at(/^kubectl create secret generic hf-token-secret -n dynamo-bench-mock /) > 0);
    assert.ok(at(/^pulumi login file:\/\//) > 0);
    assert.ok(at(/^df -Pk .*docker-data$/) < at(/^kind create cluster/), "the free disk is checked before the cluster is made");
    // Each stack comes up, is recorded, goes down, and leaves its caches, before the next comes up.
    let after = 0;
    for (const stack of ["mock-agg", "mock-disagg"]) {
      const up = at(new RegExp(`^pulumi up -s ${stack} --yes`));
      const recorded = made.findIndex((call, i) => i > up && /^docker exec dynamo-bench-e2e-control-plane crictl images$/.test(call));
      const down = at(new RegExp(`^pulumi destroy -s ${stack} --yes`));
      const claims = ["model-cache", "compilation-cache", "perf-cache"].map((claim) =>
        made.findIndex((call, i) => i > down && call === `kubectl get pvc ${claim} -n dynamo-bench-mock`),
      );
      assert.ok(up > after && recorded > up && down > recorded && claims.every((i) => i > down), `${stack}:\n${made.join("\n")}`);
      after = Math.max(...claims);
      const footprint = readFileSync(join(root, "results", `e2e-footprint-${stack}.txt`), "utf8");
      assert.match(footprint, new RegExp(`^# ${stack}, with the stack up, `));
      assert.match(footprint, /dynamo-planner 1\.3\.1 0123 1\.2GB[\s\S]*## the node's disk[\s\S]*5GiB \/ 15GiB/);
    }
    assert.equal(made.at(-1), "kind delete cluster --name dynamo-bench-e2e");
    const printed = ["the caches outlived destroy", "the caches outlived destroy", "both summaries and the comparison are there"];
    assert.match(result.stdout, new RegExp([...printed, "the rehearsal passed"].join("[\\s\\S]*")));
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

  test("too little free disk stops it before any cluster is made; E2E_MIN_FREE_GB sets the bar, 0 skips it", () => {
    const low = sandbox({ freeGB: 3 });
    const result = low.run();
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^e2e: .*docker-data has 3 GB free; the rehearsal wants 10 GB for its images and caches: free some, or set E2E_MIN_FREE_GB$/m,
    );
    assert.ok(!low.calls().some((call) => call.startsWith("kind ")), low.calls().join("\n"));
    assert.equal(sandbox({ freeGB: 3, env: { E2E_MIN_FREE_GB: "2" } }).run().status, 0);
    const skipped = sandbox({ freeGB: 0, env: { E2E_MIN_FREE_GB: "0" } });
    assert.equal(skipped.run().status, 0);
    assert.ok(!skipped.calls().some((call) => call.startsWith("df ")), "not even read");
    for (const [value, message] of [
      ["ten", /^e2e: E2E_MIN_FREE_GB must be a whole number of GB, not 'ten'$/m],
      ["", /^e2e: E2E_MIN_FREE_GB must be a whole number of GB, not ''$/m],
      ["99999999999999999999", /^e2e: E2E_MIN_FREE_GB must be at most 999999 GB, not 99999999999999999999$/m],
    ] as const) {
      const wrong = sandbox({ env: { E2E_MIN_FREE_GB: value } });
      const result = wrong.run();
      assert.equal(result.status, 1, value);
      assert.match(result.stderr, message);
      assert.ok(!wrong.calls().some((call) => call.startsWith("kind ")), value);
    }
  });

  test("an unreachable docker or an unreadable df stops it with one line; a data root elsewhere skips the check, saying so", () => {
    const noDocker = sandbox({ dockerInfo: "fails" });
    const result = noDocker.run();
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^e2e: docker is not reachable \(docker info failed\): kind runs its nodes in it$/m);
    assert.ok(!noDocker.calls().some((call) => call.startsWith("kind ")));
    const noDf = sandbox({ df: "fails" }).run();
    assert.equal(noDf.status, 1);
    assert.match(noDf.stderr, /^e2e: cannot read the free disk of .*docker-data from df -Pk$/m);
    const elsewhere = sandbox({ dockerInfo: "no-such-root", freeGB: 0 }).run();
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.match(elsewhere.stdout, /^Docker's data root '.*nowhere' is not a folder here .*: the free-disk check is skipped$/m);
  });

  test("a footprint that cannot be written is said, and the stack is still destroyed", () => {
    const box = sandbox();
    mkdirSync(join(box.root, "results", "e2e-footprint-mock-agg.txt"), { recursive: true });
    const result = box.run();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^e2e: could not write .*e2e-footprint-mock-agg\.txt; the run goes on$/m);
    assert.ok(box.calls().includes("pulumi destroy -s mock-agg --yes --skip-preview"));
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
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = workflowParser();
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
