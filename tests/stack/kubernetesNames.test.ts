import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { SECRET_SET } from "../../stack/config/schema";
import { buildStackObjects, objectsInApplyOrder } from "../../stack/builders/stackObjects";
import { LONGEST_RUN_ID } from "../../stack/config/names";
import { invalidValues } from "../support/kubernetesNames";
import { SCRIPTS } from "../support/clusterScripts";

function problemsOf(raw: Record<string, unknown>): string {
  try {
    parseStackConfig(raw, "test");
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`accepted: ${JSON.stringify(raw)}`);
}

/** Every object of the stack, with the longest run id that can be drawn, checked as the API server would. */
function assertAllValid(raw: Record<string, unknown>): void {
  const config = parseStackConfig(raw, "test");
  const objects = objectsInApplyOrder(buildStackObjects(config, { stack: "agg", runId: LONGEST_RUN_ID }, SCRIPTS));
  assert.deepEqual(invalidValues(objects, config), []);
}

describe("every name the stacks and the operator derive is one Kubernetes accepts", () => {
  test("the recipe's stacks, with the longest run id, and a token Secret", () => {
    assertAllValid({ variant: "agg" });
    assertAllValid({ variant: "disagg", hfToken: SECRET_SET });
  });

  test("every container's requests are within its limits, in each stack (mock, v1beta1 and disabled benchmark too)", () => {
    for (const raw of [
      { variant: "agg" },
      { variant: "disagg" },
      { variant: "agg", workers: { engine: "mocker" }, graph: { image: "nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.1" } },
      { variant: "disagg", graph: { apiVersion: "v1beta1" } },
    ]) {
      assertAllValid(raw);
    }
    // The check itself sees a request above its limit, wherever it is.
    const config = parseStackConfig({ variant: "agg" }, "test");
    const objects = buildStackObjects(config, { stack: "agg", runId: LONGEST_RUN_ID }, SCRIPTS);
    objects.benchmark!.job.spec!.template.spec!.containers[0].resources!.requests!.cpu = "17";
    assert.match(invalidValues(objectsInApplyOrder(objects), config).join("\n"), /requests\.cpu \(above its limit \d+\): "17"/);
  });

  test("a graph name is refused past the longest name the operator derives from it, naming that name and the limit", () => {
    const name = "a".repeat(45);
    const message = problemsOf({ variant: "disagg", graph: { name } });
    assert.match(
      message,
      new RegExp(
        `dynamo-bench:graph\\.name: "${name}" \\(45 characters\\) makes the prefill workers' Deployment and Service ` +
          `"${name}-vllmprefillworker-<hash>" \\(72 characters\\), which Kubernetes holds to 63; use at most 36 characters`,
      ),
    );
  });

  test("at exactly that length every object is valid; one character more is refused", () => {
    assertAllValid({ variant: "disagg", hfToken: SECRET_SET, graph: { name: `d${"x".repeat(35)}` } });
    assert.match(problemsOf({ variant: "disagg", graph: { name: `d${"x".repeat(36)}` } }), /use at most 36 characters/);
  });

  test("agg, without prefill workers, allows one character more", () => {
    assertAllValid({ variant: "agg", graph: { name: `a${"x".repeat(36)}` } });
    assert.match(
      problemsOf({ variant: "agg", graph: { name: `a${"x".repeat(37)}` } }),
      /decode workers' Deployment and Service.*use at most 37 characters/,
    );
  });

  test("a graph name must start with a letter, since the operator makes Services of it", () => {
    assert.match(
      problemsOf({ variant: "agg", graph: { name: "8xtp2" } }),
      /dynamo-bench:graph\.name: must be a DNS-1035 label.*starting with a letter/,
    );
  });

  test("the benchmark Job's name holds for the longest run id", () => {
    const message = problemsOf({ variant: "agg", benchmark: { enabled: true }, graph: { name: `a${"x".repeat(44)}` } });
    assert.match(message, /use at most 3\d characters/);
  });

  test("the namespace and graph name together must fit the operator's 63-character label", () => {
    const namespace = `n${"s".repeat(60)}`;
    assert.match(
      problemsOf({ variant: "agg", namespace }),
      new RegExp(
        String.raw`dynamo-bench:namespace: with graph\.name "agg-8xtp2", ` +
          String.raw`the pods' nvidia\.com\/dynamo-namespace label is "ns+-agg-8xtp2" \(71 characters; at most 63\)`,
      ),
    );
    assertAllValid({ variant: "agg", namespace: "n".repeat(53) });
  });
});

describe("values Kubernetes or the runtime would refuse are refused in the config", () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ["storage.storageClassName", { storage: { storageClassName: "Fast_SSD" } }, /storage class name, a DNS-1123 subdomain/],
    ["storage.storageClassName", { storage: { storageClassName: "a".repeat(254) } }, /at most 253 characters/],
    ["frontend.cpu", { frontend: { cpu: "eight" } }, /CPU quantity > 0, such as "8" or "500m"/],
    ["frontend.cpu", { frontend: { cpu: "0" } }, /CPU quantity > 0/],
    ["frontend.cpu", { frontend: { cpu: "-2" } }, /CPU quantity > 0/],
    ["workers.rdma.resourceName", { workers: { rdma: { resourceName: "RDMA/IB" } } }, /extended resource name/],
    ["workers.rdma.resourceName", { workers: { rdma: { resourceName: "ib" } } }, /extended resource name/],
    ["workers.rdma.resourceName", { workers: { rdma: { resourceName: "kubernetes.io/ib" } } }, /extended resource name/],
    ["workers.rdma.resourceName", { workers: { rdma: { resourceName: "requests.rdma/ib" } } }, /extended resource name/],
    ["graph.image", { graph: { image: "nvcr.io/NVIDIA/vllm-runtime:1.3.1" } }, /image reference/],
    ["graph.image", { graph: { image: "vllm runtime:1.3.1" } }, /image reference/],
    ["benchmark.image", { benchmark: { image: "python:3.11 " } }, /image reference/],
    ["benchmark.summaryImage", { benchmark: { summaryImage: "node:" } }, /image reference/],
    ["modelDownload.image", { modelDownload: { image: `python:${"x".repeat(129)}` } }, /image reference/],
    ["storage.modelCacheSize", { storage: { modelCacheSize: "1e2147483648" } }, /Kubernetes quantity > 0/],
    ["graph.image", { graph: { image: `python@sha256:${"a".repeat(32)}` } }, /image reference/],
    ["graph.image", { graph: { image: `python@md5:${"a".repeat(32)}` } }, /image reference/],
    ["workers.decode.replicas", { workers: { decode: { replicas: 2 ** 31 } } }, /whole number from 1 to 2147483647/],
    ["modelDownload.backoffLimit", { modelDownload: { backoffLimit: 2 ** 31 } }, /whole number from 0 to 2147483647/],
    [
      "benchmark.activeDeadlineMinutes",
      { benchmark: { activeDeadlineMinutes: 35791395, waitTimeoutMinutes: 35791394 } },
      /whole number from 1 to 35791394/,
    ],
    ["model.name", { model: { name: "Qwen/../etc" } }, /Hugging Face repository id/],
    ["model.name", { model: { name: "qwen3" } }, /Hugging Face repository id/],
    ["modelDownload.huggingfaceHubVersion", { modelDownload: { huggingfaceHubVersion: ">=1.0" } }, /exact version/],
    ["benchmark.traceUrl", { benchmark: { traceUrl: "file:///etc/passwd" } }, /http:\/\/ or https:\/\/ URL/],
    ["hfTokenSecretName", { hfTokenSecretName: "HF_token" }, /DNS-1123 subdomain/],
    ["workers.hfOverrides", { workers: { hfOverrides: `{"a":"${"x".repeat(9000)}"}` } }, /at most 8192 characters/],
  ];
  for (const [field, raw, reason] of refused) {
    test(`${field}: ${JSON.stringify(raw).slice(0, 90)}`, () => {
      const message = problemsOf({ variant: "agg", ...raw });
      const line = message.split("\n").find((problem) => problem.includes(`dynamo-bench:${field}: `));
      assert.ok(line, `no problem names ${field}:\n${message}`);
      assert.match(line, reason);
    });
  }

  test("the values Kubernetes accepts are accepted, and every object stays valid", () => {
    assertAllValid({
      variant: "agg",
      storage: { storageClassName: "fast.ssd-1", modelCacheSize: ".5Ti" },
      frontend: { cpu: "500m" },
      workers: { rdma: { resourceName: "nvidia.com/hostdev", perWorker: 1 } },
      graph: { image: "registry.local:5000/team/vllm-runtime:1.3.1@sha256:" + "a".repeat(64) },
      modelDownload: { image: "localhost/python:3.10-slim" },
      hfTokenSecretName: "team.hf-token",
    });
  });

  test("a huge value is refused by its length, quickly, never matched by a slow pattern", () => {
    for (const field of ["image", "name"]) {
      assert.match(problemsOf({ variant: "agg", graph: { [field]: "a".repeat(1_000_000) } }), /at most \d+ characters/);
    }
    assert.match(problemsOf({ variant: "agg", benchmark: { image: `${"a-".repeat(200)}!` } }), /image reference/);
  });
});
