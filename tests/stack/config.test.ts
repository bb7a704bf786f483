import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configWarnings, SECRET_SET, totalGpus } from "../../stack/config/schema";
import { ConfigError, parseStackConfig } from "../../stack/config/stackConfig";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";

const aggFile = join(PROJECT_ROOT, "Pulumi.agg.yaml");
const disaggFile = join(PROJECT_ROOT, "Pulumi.disagg.yaml");

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw, "test");
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("the config was accepted");
}

function assertRejected(raw: Record<string, unknown>, field: string, reason: RegExp): void {
  const problems = problemsOf(raw);
  const problem = problems.find((p) => p.startsWith(`dynamo-bench:${field}: `));
  assert.ok(problem, `no problem names dynamo-bench:${field}; got:\n${problems.join("\n")}`);
  assert.match(problem, reason);
}

function writeStackFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-config-")), "Pulumi.test.yaml");
  writeFileSync(path, text);
  return path;
}

describe("the stack files", () => {
  test("agg holds the recipe's aggregated variant: 8 decode workers at TP 2, round-robin", () => {
    const config = stackConfigFromFile(aggFile);
    assert.equal(config.variant, "agg");
    assert.equal(config.graph.name, "agg-8xtp2");
    assert.equal(config.frontend.routerMode, "round-robin");
    assert.equal(config.workers.tensorParallelSize, 2);
    assert.equal(config.workers.decode.replicas, 8);
    assert.equal(config.workers.prefill, undefined);
    assert.equal(totalGpus(config), 16);
  });

  test("disagg holds the recipe's disaggregated variant: 6 prefill and 2 decode workers, KV routing", () => {
    const config = stackConfigFromFile(disaggFile);
    assert.equal(config.variant, "disagg");
    assert.equal(config.graph.name, "disagg-router-6p-2d");
    assert.equal(config.frontend.routerMode, "kv");
    assert.deepEqual(config.workers.prefill, { replicas: 6, kvEvents: true });
    assert.deepEqual(config.workers.decode, { replicas: 2, kvEvents: false });
    assert.equal(totalGpus(config), 16);
  });

  test("each stack file restates exactly the recipe's defaults for its variant", () => {
    assert.deepEqual(stackConfigFromFile(aggFile), parseStackConfig({ variant: "agg" }, "defaults"));
    assert.deepEqual(stackConfigFromFile(disaggFile), parseStackConfig({ variant: "disagg" }, "defaults"));
  });

  test("both stack files agree on the shared storage", () => {
    assert.deepEqual(stackConfigFromFile(aggFile).storage, stackConfigFromFile(disaggFile).storage);
  });
});

describe("defaults", () => {
  test("storage: RWX claims of 100Gi, 50Gi and 50Gi on the cluster's default class", () => {
    const { storage } = parseStackConfig({ variant: "agg" }, "test");
    assert.deepEqual(storage, {
      accessMode: "ReadWriteMany",
      modelCacheSize: "100Gi",
      compilationCacheSize: "50Gi",
      perfCacheSize: "50Gi",
    });
  });

  test("model and download: Qwen/Qwen3-32B at a pinned revision, with pinned tools", () => {
    const config = parseStackConfig({ variant: "disagg" }, "test");
    assert.deepEqual(config.model, {
      name: "Qwen/Qwen3-32B",
      revision: "9216db5781bf21249d130ec9da846c4624c16137",
      layers: 64,
      kvHeads: 8,
      headDim: 128,
      kvBytesPerElement: 2,
      weightsGB: 65.6,
    });
    assert.equal(config.cluster.gpuMemoryGB, 141, "H200");
    assert.deepEqual(config.modelDownload, {
      image: "python:3.10-slim",
      huggingfaceHubVersion: "1.11.0",
      backoffLimit: 3,
      timeoutMinutes: 120,
    });
    assert.throws(
      () => parseStackConfig({ variant: "agg", modelDownload: { hfTransferVersion: "0.1.9" } }, "test"),
      /modelDownload\.hfTransferVersion: huggingface_hub 1\.x no longer uses hf_transfer, .*remove this key/,
    );
    assert.throws(
      () => parseStackConfig({ variant: "agg", workers: { engine: "mocker" }, storage: { accessMode: "ReadWriteOncePod" } }, "test"),
      /storage\.accessMode: ReadWriteOncePod lets one pod mount a claim, but the frontend, every worker and both Jobs mount/,
    );
    assert.equal(config.graph.image, "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.1");
    assert.ok(config.graph.readyTimeoutMinutes >= 30);
    assert.deepEqual(config.onDestroy, { deleteModelCache: false, deleteResults: false });
  });
});

describe("bad config is rejected with the field's full path and what it allows", () => {
  test("an unknown key, such as a typo, is named with the keys allowed there", () => {
    assertRejected(
      { variant: "agg", workers: { decode: { replicaz: 8 } } },
      "workers.decode.replicaz",
      /unknown key; the keys allowed here are: replicas, kvEvents/,
    );
    assertRejected({ variant: "agg", replicas: 8 }, "replicas", /unknown key; the keys allowed here are: variant, namespace/);
  });

  test("replicas must be whole numbers from 1 to the int32 limit", () => {
    for (const replicas of [0, -1, 2.5, "eight", "", 2 ** 31, true]) {
      assertRejected({ variant: "agg", workers: { decode: { replicas } } }, "workers.decode.replicas", /whole number from 1 to 2147483647/);
    }
    assertRejected({ variant: "disagg", workers: { prefill: { replicas: 0 } } }, "workers.prefill.replicas", /whole number from 1/);
  });

  test("the workers' GPUs (replicas × TP) must fit the cluster's", () => {
    assertRejected(
      { variant: "disagg", workers: { prefill: { replicas: 8 } } },
      "workers",
      new RegExp(
        String.raw`need 20 GPUs \(workers\.prefill\.replicas 8 × workers\.tensorParallelSize 2 \+ ` +
          String.raw`workers\.decode\.replicas 2 × workers\.tensorParallelSize 2\) but cluster.gpus is 16`,
      ),
    );
    const bigger = parseStackConfig({ variant: "disagg", workers: { prefill: { replicas: 8 } }, cluster: { gpus: 24 } }, "test");
    assert.equal(totalGpus(bigger), 20);
  });

  test("a worker's tensor parallel group must fit on one node", () => {
    assertRejected(
      { variant: "agg", workers: { tensorParallelSize: 16, decode: { replicas: 1 } } },
      "workers.tensorParallelSize",
      /must fit on one node, which has 8/,
    );
  });

  test("the recipe's placeholder storage class is refused, pointing at kubectl get storageclass", () => {
    assertRejected(
      { variant: "agg", storage: { storageClassName: "your-storage-class-name" } },
      "storage.storageClassName",
      /placeholder.*kubectl get storageclass/,
    );
  });

  test("storage sizes must be Kubernetes quantities > 0", () => {
    for (const size of ["100GB", "lots", "10 Gi", "0", "0Gi", "-1Gi", "1.5.0Gi", "0x10"]) {
      assertRejected({ variant: "agg", storage: { modelCacheSize: size } }, "storage.modelCacheSize", /Kubernetes quantity > 0/);
    }
    assertRejected({ variant: "agg", storage: { modelCacheSize: "" } }, "storage.modelCacheSize", /must not be empty/);
    for (const size of ["100Gi", "500G", "1e12", ".5Ti", "+80Gi", 1e11]) {
      assert.equal(parseStackConfig({ variant: "agg", storage: { modelCacheSize: size } }, "test").storage.modelCacheSize, String(size));
    }
  });

  test("a model cache smaller than the model and the download's headroom is refused, with the size that fits", () => {
    // Qwen3-32B's safetensors, about 65.5 GB, and 5 GB of headroom: 70.5 GB, which 66Gi (70.9 GB) holds.
    for (const size of ["10Gi", "100", 100, "65Gi", "70G", "70499M"]) {
      assertRejected(
        { variant: "agg", storage: { modelCacheSize: size } },
        "storage.modelCacheSize",
        /cannot hold Qwen\/Qwen3-32B's weights, about 65\.5 GB, and the download needs 5 GB more .*; give at least 66Gi$/,
      );
    }
    for (const size of ["66Gi", "70500000000", "70.5G"]) {
      assert.doesNotThrow(() => parseStackConfig({ variant: "agg", storage: { modelCacheSize: size } }, "test"), size);
    }
    // Another model is held to its own weightsGB; a mocker downloads only the tokenizer.
    assertRejected(
      { variant: "agg", model: { name: "Qwen/Qwen3-8B", weightsGB: 16.4 }, storage: { modelCacheSize: "20G" } },
      "storage.modelCacheSize",
      /Qwen\/Qwen3-8B's weights, 16\.4 GB by model\.weightsGB .*give at least 20Gi$/,
    );
    assert.doesNotThrow(() =>
      parseStackConfig({ variant: "agg", model: { name: "Qwen/Qwen3-8B", weightsGB: 16.4 }, storage: { modelCacheSize: "22G" } }, "test"),
    );
    const mocker = { variant: "agg", workers: { engine: "mocker" }, graph: { image: "nvcr.io/nvidia/ai-dynamo/dynamo-planner:1.3.1" } };
    assert.doesNotThrow(() => parseStackConfig({ ...mocker, storage: { modelCacheSize: "1Gi" } }, "test"));
    assertRejected(
      { ...mocker, storage: { modelCacheSize: "10Mi" } },
      "storage.modelCacheSize",
      /a mocker's download .*give at least 100Mi$/,
    );
  });

  test("a benchmark request above its limit is refused naming both keys, compared as quantities", () => {
    assertRejected({ variant: "agg", benchmark: { cpu: "32" } }, "benchmark.cpu", /"32" is more than benchmark\.cpuLimit \("16"\)/);
    assertRejected(
      { variant: "agg", benchmark: { memory: "40Gi" } },
      "benchmark.memory",
      /"40Gi" is more than benchmark\.memoryLimit \("32Gi"\)/,
    );
    assertRejected({ variant: "agg", benchmark: { cpu: "1001m", cpuLimit: "1" } }, "benchmark.cpu", /more than benchmark\.cpuLimit/);
    assertRejected({ variant: "agg", benchmark: { memory: "1.1e12", memoryLimit: "1Ti" } }, "benchmark.memory", /more than/);
    // Equal as quantities though written apart; and no container at all when the benchmark is off.
    for (const benchmark of [
      { cpu: "1100m", cpuLimit: "1.1", memory: "32Gi", memoryLimit: "34359738368" },
      { cpu: "2", cpuLimit: "16", memory: "1G", memoryLimit: "1Gi" },
      { enabled: false, cpu: "32" },
    ]) {
      assert.doesNotThrow(() => parseStackConfig({ variant: "agg", benchmark }, "test"), JSON.stringify(benchmark));
    }
  });

  test("the KV router needs KV events from the workers it routes to", () => {
    assertRejected(
      { variant: "disagg", workers: { prefill: { kvEvents: false } } },
      "workers.prefill.kvEvents",
      /KV router.*needs KV events from the prefill workers/,
    );
    assertRejected({ variant: "agg", frontend: { routerMode: "kv" } }, "workers.decode.kvEvents", /KV events from the decode workers/);
    const aggKv = parseStackConfig({ variant: "agg", frontend: { routerMode: "kv" }, workers: { decode: { kvEvents: true } } }, "test");
    assert.equal(aggKv.frontend.routerMode, "kv");
  });

  test("an aggregated stack has no prefill workers", () => {
    assertRejected({ variant: "agg", workers: { prefill: { replicas: 2 } } }, "workers.prefill", /no prefill workers; use variant: disagg/);
  });

  test("variant must be agg or disagg", () => {
    assertRejected({}, "variant", /must be "agg" or "disagg" \(it is not set\)/);
    assertRejected({ variant: "aggregated" }, "variant", /got "aggregated"/);
  });

  test("the model revision must be a commit hash, which cannot move", () => {
    assertRejected({ variant: "agg", model: { revision: "main" } }, "model.revision", /40-character commit hash/);
  });

  test("hfOverrides must be a JSON object", () => {
    for (const hfOverrides of ["{not json", "[1, 2]", '"text"']) {
      assertRejected({ variant: "agg", workers: { hfOverrides } }, "workers.hfOverrides", /must be a JSON object/);
    }
  });

  test("enums name their allowed values", () => {
    assertRejected({ variant: "agg", storage: { accessMode: "RWX" } }, "storage.accessMode", /ReadWriteMany/);
    assertRejected({ variant: "agg", frontend: { routerMode: "least-loaded" } }, "frontend.routerMode", /round-robin/);
  });

  test("a token and an existing Secret's name are mutually exclusive", () => {
    assertRejected(
      { variant: "agg", hfToken: SECRET_SET, hfTokenSecretName: "mine" },
      "hfTokenSecretName",
      /either hfToken .* or hfTokenSecretName/,
    );
  });

  test("every field at fault is named at once", () => {
    const problems = problemsOf({ variant: "agg", namespace: "Bad_Name", storage: { perfCacheSize: "1 TB" } });
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => p.startsWith("dynamo-bench:namespace: ")));
    assert.ok(problems.some((p) => p.startsWith("dynamo-bench:storage.perfCacheSize: ")));
  });
});

describe("warnings", () => {
  test("ReadWriteOnce caches for workers on more than one node warn of Multi-Attach and name the fix", () => {
    const [warning, ...rest] = configWarnings(parseStackConfig({ variant: "agg", storage: { accessMode: "ReadWriteOnce" } }, "test"));
    assert.equal(rest.length, 0);
    assert.match(warning, /dynamo-bench:storage.accessMode is ReadWriteOnce/);
    assert.match(warning, /16 GPUs, more than one node's 8/);
    assert.match(warning, /Multi-Attach/);
    assert.match(warning, /Pending/);
    assert.match(warning, /Use ReadWriteMany/);
  });

  test("ReadWriteOnce is fine when every worker fits on one node, and ReadWriteMany always is", () => {
    const oneNode = parseStackConfig(
      { variant: "agg", storage: { accessMode: "ReadWriteOnce" }, workers: { decode: { replicas: 4 } } },
      "test",
    );
    assert.deepEqual(configWarnings(oneNode), []);
    assert.deepEqual(configWarnings(parseStackConfig({ variant: "disagg" }, "test")), []);
  });
});

describe("stack files with secrets", () => {
  test("an encrypted hfToken counts as set, and its ciphertext never enters the config", () => {
    const path = writeStackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bench:hfToken:\n    secure: v1:c2VjcmV0Y2lwaGVydGV4dA==\n");
    const config = stackConfigFromFile(path);
    assert.equal(config.hfToken, SECRET_SET);
    assert.doesNotMatch(JSON.stringify(config), /c2VjcmV0/);
  });

  test("a plain-text hfToken is refused with the command that stores it encrypted", () => {
    const path = writeStackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bench:hfToken: hf_plaintext\n");
    assert.throws(
      () => stackConfigFromFile(path),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /dynamo-bench:hfToken: is stored in plain text.*pulumi config set -s test --secret hfToken <value>/);
        assert.doesNotMatch(error.message, /hf_plaintext/);
        return true;
      },
    );
  });

  test("the engine's own pulumi: keys are left alone", () => {
    const path = writeStackFile("config:\n  pulumi:tags:\n    team: ml\n  dynamo-bench:variant: disagg\n");
    assert.equal(stackConfigFromFile(path).variant, "disagg");
  });

  test("a key under a misspelled namespace is an error that names the key and guesses the fix", () => {
    const path = writeStackFile("config:\n  dynamo-bench:variant: agg\n  dynamo-bnech:graph:\n    name: mine\n  acme:owner: ml\n");
    assert.throws(
      () => stackConfigFromFile(path),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            String.raw`dynamo-bnech:graph: nothing in this stack reads the "dynamo-bnech" namespace; ` +
              String.raw`did you mean dynamo-bench:graph\? Remove it: pulumi config rm dynamo-bnech:graph`,
          ),
        );
        assert.match(error.message, /acme:owner: nothing in this stack reads the "acme" namespace\. Remove it/);
        return true;
      },
    );
  });

  test("kubernetes:context is refused: the stack's providers are explicit and would not read it", () => {
    const path = writeStackFile("config:\n  kubernetes:context: gpu-cluster\n  dynamo-bench:variant: disagg\n");
    assert.throws(
      () => stackConfigFromFile(path),
      /kubernetes:context: this stack's Kubernetes providers are explicit.*set dynamo-bench:kubeContext instead/,
    );
  });

  test("a missing stack file is a config error, not a crash", () => {
    assert.throws(
      () => stackConfigFromFile(join(tmpdir(), "no-such-dir", "Pulumi.x.yaml")),
      /cannot read the stack file: no such file or directory/,
    );
  });
});

test("one key in two spellings (variant and dynamo-bench:variant) is refused, naming both, not resolved to the last", () => {
  const path = writeStackFile("config:\n  variant: disagg\n  dynamo-bench:variant: agg\n  dynamo-bench:config:variant: agg\n");
  assert.throws(
    () => stackConfigFromFile(path),
    /variant and dynamo-bench:variant and dynamo-bench:config:variant: one key, dynamo-bench:variant, given 3 times; keep one/,
  );
});
