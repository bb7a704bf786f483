import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackRelease } from "../../stack/config/dynamoRelease";
import { commandProblems } from "../../stack/schemas/dynamoCommands";
import { buildDynamoGraph } from "../../stack/builders/dynamoGraph";
import { buildModelDownloadJob, TOKENIZER_FILES } from "../../stack/builders/modelDownloadJob";
import { asV1beta1 } from "../../stack/builders/dynamoGraphV1beta1";
import { dynamoGraphProblems } from "../../stack/schemas/dynamoGraphSchema";
import { workerCapacityTokens } from "../../domain/kvCapacity";
import { SCRIPTS } from "../support/clusterScripts";

const mock = (variant: "agg" | "disagg", overrides: Record<string, unknown> = {}) =>
  parseStackConfig({ variant, workers: { engine: "mocker" }, ...overrides }, "test");

/** Splits args into flags and their values, as argparse would, by the kind each flag takes in the release's mocker. */
function parsedFlags(args: string[], config = mock("agg")): Map<string, string | true> {
  const release = stackRelease(config);
  assert.deepEqual(
    commandProblems("dynamo.mocker", args, release),
    [],
    "every flag is one the mocker's parser has, with a value it parses",
  );
  const { flags: declared } = release.components["dynamo.mocker"];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) flags.set(args[i], declared[args[i]].takes === "switch" ? true : args[++i]);
  return flags;
}

describe("workers.engine: mocker", () => {
  test("keeps the graph, its router and replicas, and swaps vLLM for the mocker, with no GPU or RDMA", () => {
    for (const variant of ["agg", "disagg"] as const) {
      const real = buildDynamoGraph(parseStackConfig({ variant }, "test"));
      const rehearsal = buildDynamoGraph(mock(variant));
      assert.deepEqual(Object.keys(rehearsal.spec.services), Object.keys(real.spec.services), variant);
      assert.deepEqual(rehearsal.spec.services.Frontend, real.spec.services.Frontend, "the same frontend and router");
      for (const [name, service] of Object.entries(rehearsal.spec.services)) {
        if (service.componentType !== "worker") continue;
        assert.equal(service.replicas, real.spec.services[name].replicas);
        assert.equal(service.subComponentType, real.spec.services[name].subComponentType);
        assert.deepEqual(service.extraPodSpec.mainContainer.command, ["python3", "-m", "dynamo.mocker"]);
        assert.deepEqual(service.resources, { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "512Mi" } });
        assert.deepEqual(service.sharedMemory, { disabled: true });
      }
    }
  });

  test("passes only flags the mocker's parser has, with values it parses; KV capacity as simulate reckons it", () => {
    const config = mock("disagg");
    const graph = buildDynamoGraph(config);
    const prefill = parsedFlags(graph.spec.services.VllmPrefillWorker.extraPodSpec.mainContainer.args);
    const decode = parsedFlags(graph.spec.services.VllmDecodeWorker.extraPodSpec.mainContainer.args);
    // (2 × 141 GB × 0.9 − 65.6 GB) / 256 KiB = 717,926 tokens, in 64-token blocks.
    assert.equal(workerCapacityTokens(config), 717_926);
    assert.equal(prefill.get("--num-gpu-blocks-override"), "11217");
    assert.equal(prefill.get("--kv-bytes-per-token"), "262144");
    assert.equal(prefill.get("--disaggregation-mode"), "prefill");
    assert.equal(decode.get("--disaggregation-mode"), "decode");
    assert.equal(decode.get("--no-enable-prefix-caching"), true);
    assert.equal(prefill.get("--model-name"), "Qwen/Qwen3-32B");
    assert.match(
      String(prefill.get("--model-path")),
      /\/hub\/models--Qwen--Qwen3-32B\/snapshots\/9216db5781bf21249d130ec9da846c4624c16137$/,
    );
    const agg = parsedFlags(
      buildDynamoGraph(mock("agg", { workers: { engine: "mocker", mocker: { speedupRatio: 10 } } })).spec.services.VllmDecodeWorker
        .extraPodSpec.mainContainer.args,
    );
    assert.equal(agg.get("--speedup-ratio"), "10");
    assert.equal(agg.has("--disaggregation-mode"), false);
  });

  test("passes the operator's schema, in both API versions", () => {
    for (const variant of ["agg", "disagg"] as const) {
      const graph = buildDynamoGraph(mock(variant));
      const release = stackRelease(mock(variant));
      assert.deepEqual(dynamoGraphProblems(graph, release), [], variant);
      assert.deepEqual(dynamoGraphProblems(asV1beta1(graph), release), [], `${variant} v1beta1`);
    }
  });

  test("needs no GPUs from the cluster, and downloads the tokenizer alone", () => {
    assert.throws(() => parseStackConfig({ variant: "agg", cluster: { gpus: 1, gpusPerNode: 1 } }, "test"), /need 16 GPUs/);
    const config = mock("agg", { cluster: { gpus: 1, gpusPerNode: 1 } });
    const env = buildModelDownloadJob(config, SCRIPTS.modelDownloadSh).spec!.template.spec!.containers[0].env!;
    assert.deepEqual(env.find((variable) => variable.name === "MODEL_FILES")?.value, TOKENIZER_FILES.join(" "));
  });
});
