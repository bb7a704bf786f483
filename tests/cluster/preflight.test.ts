import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { kube, startKubernetesStub, status, type KubernetesStub, type StubAnswer, type StubRoutes } from "../support/kubernetesStub";
import { runCli } from "../support/cli";
import { checkPulumiCli } from "../../cluster/preflight/pulumiCli";
import { readWriteMany } from "../../cluster/preflight/storageProvisioners";
import { quantityValue } from "../../lib/quantity";

/** A cluster where `disagg` (16 GPUs of Dynamo 1.3.1, RDMA, ReadWriteMany caches) can run. */
function healthyCluster(overrides: Record<string, StubAnswer> = {}): StubRoutes {
  const answers: Record<string, StubAnswer> = {
    "/version": { status: 200, body: { major: "1", minor: "31", gitVersion: "v1.31.4", platform: "linux/amd64" } },
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/dynamographdeployments.nvidia.com": kube.crd(["v1alpha1", "v1beta1"]),
    "/apis/apps/v1/deployments": kube.list("DeploymentList", "apps/v1", [kube.operatorDeployment("1.3.1", 1)]),
    "/api/v1/nodes": kube.list("NodeList", "v1", [
      kube.node("gpu-a", { "nvidia.com/gpu": "8", "rdma/ib": "1k" }),
      kube.node("gpu-b", { "nvidia.com/gpu": "8", "rdma/ib": "1k" }),
      kube.node("cpu-a", {}),
    ]),
    "/apis/storage.k8s.io/v1/storageclasses": kube.list("StorageClassList", "storage.k8s.io/v1", [
      kube.storageClass("standard", "ebs.csi.aws.com"),
      kube.storageClass("shared", "cluster.local/nfs-subdir-external-provisioner", true),
    ]),
    "/api/v1/namespaces/dynamo-bench": { status: 200, body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "dynamo-bench" } } },
    "/api/v1/namespaces/dynamo-bench/secrets/hf-token-secret": {
      status: 200,
      body: {
        apiVersion: "meta.k8s.io/v1",
        kind: "PartialObjectMetadata",
        metadata: { name: "hf-token-secret", namespace: "dynamo-bench" },
      },
    },
    "/apis/nvidia.com/v1alpha1/namespaces/dynamo-bench/dynamographdeployments": kube.list(
      "DynamoGraphDeploymentList",
      "nvidia.com/v1alpha1",
      [],
    ),
    ...overrides,
  };
  return (url) => answers[url.pathname];
}

describe("preflight, against a stub Kubernetes API on 127.0.0.1", () => {
  let stub: KubernetesStub;
  let bin: string;
  const previous = { KUBECONFIG: process.env.KUBECONFIG, PATH: process.env.PATH };

  /** `pulumi` on PATH prints this version. */
  function pulumiPrints(version: string): void {
    writeFileSync(join(bin, "pulumi"), `#!/bin/sh\necho ${version}\n`);
    chmodSync(join(bin, "pulumi"), 0o755);
  }

  async function preflight(routes: StubRoutes, ...args: string[]) {
    stub.routes = routes;
    stub.requests.length = 0;
    return runCli(["preflight", "-s", "disagg", "--context", "stub", ...args]);
  }

  before(async () => {
    stub = await startKubernetesStub(healthyCluster());
    bin = mkdtempSync(join(tmpdir(), "dynamo-bench-bin-"));
    process.env.KUBECONFIG = stub.kubeconfig;
    process.env.PATH = `${bin}${delimiter}${previous.PATH}`;
  });
  beforeEach(() => pulumiPrints("v3.220.0"));
  after(async () => {
    process.env.KUBECONFIG = previous.KUBECONFIG;
    process.env.PATH = previous.PATH;
    rmSync(bin, { recursive: true, force: true });
    await stub.close();
  });

  test("a cluster that can run the stack passes every check, with exit 0, reading nothing but what it checks", async () => {
    const { status: code, stdout, stderr } = await preflight(healthyCluster());
    assert.equal(stderr, "");
    assert.equal(code, 0);
    for (const row of [
      /API server +pass +Kubernetes v1\.31\.4 at http:\/\/127\.0\.0\.1:\d+ \(context stub\)/,
      /DynamoGraphDeployment CRD +pass +serves nvidia\.com\/v1alpha1, nvidia\.com\/v1beta1/,
      /Dynamo operator +pass +dynamo-system\/dynamo-platform-dynamo-operator-controller-manager runs 1\.3\.1, ready/,
      /GPUs +pass +16 nvidia\.com\/gpu allocatable on 2 schedulable nodes; the stack needs 16/,
      /RDMA \(rdma\/ib\) +pass +2 of 2 GPU nodes have 2 or more allocatable/,
      /Worker placement +pass +all 8 workers \(2 GPU \+ 2 rdma\/ib each\) fit/,
      /Storage class \(default\) +pass +shared \(cluster\.local\/nfs-subdir-external-provisioner\) gives ReadWriteMany volumes/,
      /Namespace dynamo-bench +pass +exists/,
      /Hugging Face token +pass +Secret hf-token-secret exists/,
      /Other graphs +pass +none in the namespace/,
      /Pulumi CLI +pass +v3\.220\.0, at least 3\.217\.1/,
    ]) {
      assert.match(stdout, row);
    }
    assert.match(stdout, /Ready for `pulumi up -s disagg`\.\n$/);
    assert.ok(
      stub.requests.every((request) => request.startsWith("GET ")),
      "preflight only reads",
    );
    assert.ok(stub.requests.includes("GET /api/v1/namespaces/dynamo-bench/secrets/hf-token-secret [metadata]"), "the token is never read");
  });

  test("a cluster without RDMA and with no ReadWriteMany storage class fails, with the fix for each", async () => {
    const { status: code, stdout } = await preflight(
      healthyCluster({
        "/api/v1/nodes": kube.list("NodeList", "v1", [
          kube.node("gpu-a", { "nvidia.com/gpu": "8" }),
          kube.node("gpu-b", { "nvidia.com/gpu": "8" }),
        ]),
        "/apis/storage.k8s.io/v1/storageclasses": kube.list("StorageClassList", "storage.k8s.io/v1", [
          kube.storageClass("gp3", "ebs.csi.aws.com", true),
        ]),
      }),
    );
    assert.equal(code, 1);
    assert.match(
      stdout,
      /RDMA \(rdma\/ib\) +FAIL +no GPU node has 2 rdma\/ib allocatable: every worker would stay Pending\n +fix: install the RDMA/,
    );
    assert.match(stdout, /pulumi config set -s disagg --path workers\.rdma\.enabled false/);
    assert.match(stdout, /Worker placement +FAIL +0 of 8 workers fit, each on one node with 2 GPU \+ 2 rdma\/ib/);
    assert.match(stdout, /fix: they fit by GPUs alone: RDMA is what is missing \(see its check\)/);
    assert.match(stdout, /Storage class \(default\) +FAIL +gp3 \(ebs\.csi\.aws\.com\) gives block volumes, one node at a time/);
    assert.match(stdout, /fix: pulumi config set -s disagg --path storage\.storageClassName <class> with a shared file system/);
    assert.match(stdout, /GPUs +pass/);
    assert.match(stdout, /\n3 checks failed: fix them before `pulumi up -s disagg`\.\n$/);
  });

  test("no Dynamo platform: the CRD and the operator fail, with the install command at the graph's version", async () => {
    const { status: code, stdout } = await preflight(
      healthyCluster({
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/dynamographdeployments.nvidia.com": status(404, "NotFound", "not found"),
        "/apis/apps/v1/deployments": kube.list("DeploymentList", "apps/v1", []),
      }),
    );
    assert.equal(code, 1);
    assert.match(stdout, /DynamoGraphDeployment CRD +FAIL +not installed: the cluster has no Dynamo platform/);
    assert.match(stdout, /helm install dynamo-platform dynamo-platform-1\.3\.1\.tgz --namespace dynamo-system --create-namespace/);
    assert.match(stdout, /Dynamo operator +FAIL +no Deployment labelled dynamo-operator/);
  });

  test("a CRD that does not serve the stack's API version fails; an operator of another release warns; one not ready fails", async () => {
    const v1beta1Only = await preflight(
      healthyCluster({
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/dynamographdeployments.nvidia.com": kube.crd(["v1beta1"]),
      }),
    );
    assert.equal(v1beta1Only.status, 1);
    assert.match(v1beta1Only.stdout, /DynamoGraphDeployment CRD +FAIL +serves nvidia\.com\/v1beta1, not the stack's nvidia\.com\/v1alpha1/);

    const newer = await preflight(
      healthyCluster({ "/apis/apps/v1/deployments": kube.list("DeploymentList", "apps/v1", [kube.operatorDeployment("1.4.0", 1)]) }),
    );
    assert.equal(newer.status, 0);
    assert.match(newer.stdout, /Dynamo operator +WARN +\S+ runs 1\.4\.0; the graph's image runs 1\.3\.1 \(Dynamo 1\.3 /);
    assert.match(newer.stdout, /Ready for `pulumi up -s disagg`, with 1 warning to read\./);

    const notReady = await preflight(
      healthyCluster({ "/apis/apps/v1/deployments": kube.list("DeploymentList", "apps/v1", [kube.operatorDeployment("1.3.1", 0)]) }),
    );
    assert.equal(notReady.status, 1);
    assert.match(
      notReady.stdout,
      /Dynamo operator +FAIL +dynamo-system\/\S+: no ready replica\n +fix: kubectl -n dynamo-system describe deployment/,
    );
  });

  test("too few GPUs, GPUs spread one per node, and cordoned nodes each fail the GPU checks", async () => {
    const short = await preflight(
      healthyCluster({ "/api/v1/nodes": kube.list("NodeList", "v1", [kube.node("gpu-a", { "nvidia.com/gpu": "8", "rdma/ib": "8" })]) }),
    );
    assert.match(short.stdout, /GPUs +FAIL +8 nvidia\.com\/gpu allocatable on 1 schedulable node; the stack needs 16/);
    assert.match(short.stdout, /Worker placement +FAIL +4 of 8 workers fit/);

    const spread = Array.from({ length: 16 }, (_, index) => kube.node(`gpu-${index}`, { "nvidia.com/gpu": "1", "rdma/ib": "4" }));
    const oneEach = await preflight(healthyCluster({ "/api/v1/nodes": kube.list("NodeList", "v1", spread) }));
    assert.match(oneEach.stdout, /GPUs +pass +16 nvidia\.com\/gpu/);
    assert.match(oneEach.stdout, /Worker placement +FAIL +0 of 8 workers fit/);

    const cordoned = await preflight(
      healthyCluster({
        "/api/v1/nodes": kube.list("NodeList", "v1", [
          kube.node("gpu-a", { "nvidia.com/gpu": "8", "rdma/ib": "1k" }),
          kube.node("gpu-b", { "nvidia.com/gpu": "8", "rdma/ib": "1k" }, true),
        ]),
      }),
    );
    assert.equal(cordoned.status, 1);
    assert.match(cordoned.stdout, /GPUs +FAIL +8 nvidia\.com\/gpu allocatable on 1 schedulable node/);
  });

  test("a GPU count that is no count of devices (1e308, 16500m, 8Gi) is left out, and said", async () => {
    const { stdout } = await preflight(
      healthyCluster({
        "/api/v1/nodes": kube.list("NodeList", "v1", [
          kube.node("a", { "nvidia.com/gpu": "1e308", "rdma/ib": "4" }),
          kube.node("b", { "nvidia.com/gpu": "16500m", "rdma/ib": "4" }),
          kube.node("c", { "nvidia.com/gpu": "8Gi", "rdma/ib": "4" }),
          kube.node("d", { "nvidia.com/gpu": "8", "rdma/ib": "4" }),
        ]),
      }),
    );
    assert.match(
      stdout,
      new RegExp(
        String.raw`GPUs +FAIL +8 nvidia\.com\/gpu allocatable on 1 schedulable node; the stack needs 16; ` +
          "left out: a says 1e308, b says 16500m, c says 8Gi, not a count",
      ),
    );
  });

  test("a missing namespace or Secret fails with the command that makes it; another stack's graph, with its destroy", async () => {
    const { status: code, stdout } = await preflight(
      healthyCluster({
        "/api/v1/namespaces/dynamo-bench": status(404, "NotFound", 'namespaces "dynamo-bench" not found'),
        "/api/v1/namespaces/dynamo-bench/secrets/hf-token-secret": status(404, "NotFound", 'secrets "hf-token-secret" not found'),
        "/apis/nvidia.com/v1alpha1/namespaces/dynamo-bench/dynamographdeployments": kube.list(
          "DynamoGraphDeploymentList",
          "nvidia.com/v1alpha1",
          [
            {
              metadata: { name: "agg-8xtp2", namespace: "dynamo-bench", annotations: { "dynamo-bench/stack": "agg" } },
              spec: { services: {} },
            },
            { metadata: { name: "disagg-router-6p-2d", namespace: "dynamo-bench" }, spec: { services: {} } },
            { metadata: { name: "someone-elses", namespace: "dynamo-bench" }, spec: {} },
          ],
        ),
      }),
    );
    assert.equal(code, 1);
    assert.match(stdout, /Namespace dynamo-bench +FAIL +does not exist\n +fix: kubectl create namespace dynamo-bench/);
    assert.match(stdout, /Hugging Face token +FAIL +no Secret hf-token-secret, which every worker and the download read HF_TOKEN from/);
    assert.match(stdout, /kubectl -n dynamo-bench create secret generic hf-token-secret --from-literal=HF_TOKEN=<token>/);
    assert.match(stdout, /Other graphs +FAIL +agg-8xtp2 \(stack agg\), someone-elses still up, holding GPUs this stack needs/);
    assert.match(
      stdout,
      /fix: pulumi destroy -s agg; kubectl -n dynamo-bench delete dynamographdeployment someone-elses \(results and the model/,
    );
  });

  test("a stack that sets hfToken makes its own Secret: nothing is asked of the cluster for it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-stack-"));
    try {
      const file = join(dir, "Pulumi.disagg.yaml");
      writeFileSync(file, "config:\n  dynamo-bench:variant: disagg\n  dynamo-bench:hfToken:\n    secure: v1:AAAA\n");
      stub.routes = healthyCluster();
      stub.requests.length = 0;
      const { status: code, stdout } = await runCli(["preflight", "--config-file", file, "--context", "stub"]);
      assert.equal(code, 0);
      assert.match(stdout, /Hugging Face token +pass +hfToken is set: the stack creates Secret disagg-router-6p-2d-hf-token/);
      assert.ok(!stub.requests.some((request) => request.includes("/secrets/")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a mock stack asks for no GPUs, and passes without GPU nodes", async () => {
    stub.routes = healthyCluster({
      "/api/v1/namespaces/dynamo-bench-mock": { status: 200, body: { kind: "Namespace", metadata: { name: "dynamo-bench-mock" } } },
      "/api/v1/namespaces/dynamo-bench-mock/secrets/hf-token-secret": { status: 200, body: { metadata: { name: "hf-token-secret" } } },
      "/api/v1/nodes": kube.list("NodeList", "v1", [kube.node("cpu-a", {})]),
    });
    const { status: code, stdout } = await runCli(["preflight", "-s", "mock-agg", "--context", "stub"]);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /GPUs +pass +none requested: the workers are Dynamo's mocker, on CPU/);
    assert.doesNotMatch(stdout, /RDMA|Worker placement/);
  });

  test("an API server that never answers fails the first check at the request timeout, and nothing else is asked", async () => {
    const { status: code, stdout } = await preflight(() => "silence", "--request-timeout", "0.2");
    assert.equal(code, 1);
    assert.match(stdout, /API server +FAIL +the Kubernetes API did not answer within 0\.2 s/);
    assert.match(stdout, /Pulumi CLI +pass/);
    // On a busy machine the timer may end the request before it reaches the stub: then nothing was asked at all.
    assert.ok(
      stub.requests.every((request) => request === "GET /version"),
      stub.requests.join(", "),
    );
  });

  test("an answer whose body never ends is cut at the request timeout: the body is read under the same timer", async () => {
    const { status: code, stdout } = await preflight(
      () => ({ respond: (response) => void response.writeHead(200, { "content-type": "application/json" }).write('{"gitVersion": "v1.') }),
      "--request-timeout",
      "0.2",
    );
    assert.equal(code, 1);
    assert.match(stdout, /API server +FAIL +the Kubernetes API did not answer within 0\.2 s/);
  });

  test("a dropped connection, a refused one, and rejected credentials each fail the API server check with their cause", async () => {
    const dropped = await preflight(() => "drop");
    assert.match(dropped.stdout, /API server +FAIL +\S/);
    assert.equal(dropped.status, 1);

    const refused = await runCli(["preflight", "-s", "disagg", "--context", "elsewhere"]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stdout,
      /API server +FAIL +the API server refused the connection\n +fix: check that context elsewhere \(http:\/\/127\.0\.0\.1:1\)/,
    );

    const unauthorized = await preflight(() => status(401, "Unauthorized", "Unauthorized"));
    assert.match(
      unauthorized.stdout,
      /API server +FAIL +the API server refused the credentials \(401\)\n +fix: renew your credentials for context stub/,
    );

    const notJson = await preflight(() => ({ status: 200, text: "<html>proxy login</html>" }));
    assert.match(notJson.stdout, /API server +FAIL +the API server's answer is not JSON/);
  });

  test("a check the user may not make (403) or the server fails (500) warns that it cannot tell; a list unread fails", async () => {
    const { status: code, stdout } = await preflight(
      healthyCluster({
        "/api/v1/nodes": status(403, "Forbidden", 'nodes is forbidden: User "dev" cannot list resource "nodes" at the cluster scope'),
        "/apis/storage.k8s.io/v1/storageclasses": status(500, "InternalError", "etcdserver: request timed out"),
        "/apis/apps/v1/deployments": { status: 200, body: { kind: "DeploymentList", items: "not a list" } },
      }),
    );
    assert.equal(code, 1, "the operator list in a shape that cannot be read is a fail, not a pass");
    assert.match(stdout, /GPUs +WARN +cannot tell: forbidden \(403\): nodes is forbidden: User "dev" cannot list resource "nodes"/);
    assert.match(stdout, /Storage class \(default\) +WARN +cannot tell: the API server answered 500: etcdserver: request timed out/);
    assert.match(stdout, /Dynamo operator +FAIL +cannot tell: the API server answered the Deployment list in an unexpected shape/);
  });

  test("a credential plugin that never ends is cut at the request timeout; a context the kubeconfig lacks is named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-exec-"));
    const pidFile = join(dir, "pid");
    try {
      writeFileSync(join(dir, "hang.sh"), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`);
      chmodSync(join(dir, "hang.sh"), 0o755);
      const kubeconfig = join(dir, "config");
      writeFileSync(
        kubeconfig,
        readFileSync(stub.kubeconfig, "utf8").replace(
          "user: {token: stub-token}",
          `user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ${join(dir, "hang.sh")}, interactiveMode: Never}}`,
        ),
      );
      process.env.KUBECONFIG = kubeconfig;
      stub.routes = healthyCluster();
      const hung = await runCli(["preflight", "-s", "disagg", "--context", "stub", "--request-timeout", "0.3"]);
      assert.equal(hung.status, 1);
      assert.match(hung.stdout, /API server +FAIL +the Kubernetes API did not answer within 0\.3 s/);

      process.env.KUBECONFIG = stub.kubeconfig;
      const unknown = await runCli(["preflight", "-s", "disagg", "--context", "nosuch\u001b[2J"]);
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stdout, "", "no check can run without the context: no table");
      assert.match(
        unknown.stderr,
        /^error: the kubeconfig \S+ has no context "nosuch\\u001b\[2J"; it has "stub", "elsewhere": pass --context/,
      );
    } finally {
      process.env.KUBECONFIG = stub.kubeconfig;
      try {
        process.kill(Number(readFileSync(pidFile, "utf8")));
      } catch {
        // It was never started, or has ended.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a kubeContext kept as a Pulumi secret must be given with --context", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-stack-"));
    try {
      const file = join(dir, "Pulumi.agg.yaml");
      writeFileSync(file, "config:\n  dynamo-bench:variant: agg\n  dynamo-bench:kubeContext:\n    secure: v1:AAAA\n");
      const { status: code, stderr, stdout } = await runCli(["preflight", "--config-file", file]);
      assert.equal(code, 1);
      assert.equal(stdout, "");
      assert.equal(
        stderr,
        "error: kubeContext is a secret in Pulumi.agg.yaml, which only Pulumi can read: " +
          'add --context "$(pulumi config get -s agg kubeContext)"\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--request-timeout and --json are checked, and --json prints every check", async () => {
    for (const [value, message] of [
      ["0", "--request-timeout: give a number of seconds above 0"],
      ["soon", "--request-timeout: give a number of seconds"],
      ["601", "--request-timeout: at most 600 seconds"],
      ["0x10", "--request-timeout: give a number of seconds"],
    ]) {
      const { status: code, stderr } = await runCli(["preflight", "-s", "disagg", "--request-timeout", value]);
      assert.equal(code, 1);
      assert.equal(stderr, `error: ${message}\n`);
    }
    const { status: code, stdout } = await preflight(healthyCluster(), "--json");
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { stack: string; passed: boolean; checks: { check: string; outcome: string }[] };
    assert.equal(report.stack, "disagg");
    assert.equal(report.passed, true);
    assert.equal(report.checks.length, 11);
  });
});

describe("the Pulumi CLI check", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-pulumi-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  test("an older CLI fails; none on PATH, a failing one, one that hangs, or one that prints no version warns", async () => {
    assert.deepEqual(await checkPulumiCli(script("old", "echo v3.200.0")), {
      check: "Pulumi CLI",
      outcome: "fail",
      found: "v3.200.0, older than 3.217.1, the first that runs the stack's hooks",
      fix: "install Pulumi 3.217.1 or later: https://www.pulumi.com/docs/install/",
    });
    assert.equal((await checkPulumiCli(script("newer", "echo v4.0.0"))).outcome, "pass");
    assert.match((await checkPulumiCli(join(dir, "absent"))).found, /^not on PATH$/);
    assert.match((await checkPulumiCli(script("broken", "exit 3"))).found, /^`pulumi version` failed$/);
    assert.match((await checkPulumiCli(script("hangs", "exec sleep 60"), 200)).found, /did not end within 0\.2 s/);
    assert.equal((await checkPulumiCli(script("garbled", "echo hello"))).outcome, "warn");
  });
});

test("storage provisioners: shared file systems give ReadWriteMany, block devices do not, others are unknown", () => {
  assert.equal(readWriteMany("efs.csi.aws.com"), "yes");
  assert.equal(readWriteMany("rook-ceph.cephfs.csi.ceph.com"), "yes");
  assert.equal(readWriteMany("nfs.csi.k8s.io"), "yes");
  assert.equal(readWriteMany("k8s-sigs.io/nfs-subdir-external-provisioner"), "yes");
  assert.equal(readWriteMany("ebs.csi.aws.com"), "no");
  assert.equal(readWriteMany("rook-ceph.rbd.csi.ceph.com"), "no");
  assert.equal(readWriteMany("pd.csi.storage.gke.io"), "no");
  assert.equal(readWriteMany("example.com/infonfsx"), "unknown");
  assert.equal(readWriteMany("csi.example.com"), "unknown");
});

test("resource quantities are read as Kubernetes writes them", () => {
  assert.equal(quantityValue("8"), 8);
  assert.equal(quantityValue("1k"), 1000);
  assert.equal(quantityValue("500m"), 0.5);
  assert.equal(quantityValue("64Gi"), 64 * 2 ** 30);
  assert.equal(quantityValue("1e3"), 1000);
  assert.equal(quantityValue(".5"), 0.5);
  for (const bad of ["", "k", "1 k", "1KB", "0x10", "1e", "Infinity", "1e999"]) assert.equal(quantityValue(bad), undefined, bad);
});
