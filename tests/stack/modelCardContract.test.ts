/**
 * The start-up contract between the workers and the frontend, as Dynamo's code runs it
 * (ai-dynamo/dynamo @ 4cba833f, the 1.3 branch point; the same at d7bb84ef and 2a6da14c unless said):
 *
 * 1. Card source. A vLLM worker registers the card of `--model`'s directory, its source path that
 *    directory (lib/bindings/python/rust/lib.rs `register_model`). The mocker builds its card from
 *    `--model-path` but sets no source path, so the card's source falls back to its served name
 *    (lib/bindings/python/rust/llm/entrypoint.rs `make_engine`; model_card.rs `source_path()`).
 *    The card lists config.json, tokenizer.json, tokenizer_config.json and generation_config.json
 *    by their paths in that directory (model_card.rs `from_disk`).
 * 2. Rewrite rule (lib/llm/src/local_model.rs `attach`). With self-hosted metadata on
 *    (DYN_SELF_HOST_METADATA; its default is in the release table) and the system server running
 *    (DYN_SYSTEM_PORT, which the operator sets on every worker), the files become URLs of the
 *    worker's own server. Otherwise, when the source path does not exist on the worker, they
 *    become `hf://<source>/<file>`; when it does, they keep their local paths.
 * 3. The frontend's resolution (model_card.rs `checked_file_uri`, hub.rs `from_hf`). A URL of the
 *    worker is fetched from it. An `hf://` file is looked up in the frontend's hub cache under
 *    `refs/main`, which a download by commit never writes, and then downloaded from the Hub. A
 *    local path is opened on the frontend's own filesystem, and when it is not there the frontend
 *    falls back to the Hub with the path as a repository.
 *
 * So a stack starts without the Hub only when each worker's card is self-hosted, or names paths
 * that the frontend mounts from the same claim at the same place.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DynamoRelease } from "../../stack/schemas/dynamoReleases";
import { releaseMatrix } from "../support/releaseMatrix";

const CARD_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json"];
const TRUTHY = new Set(["1", "true", "yes", "on"]);

interface Mount {
  claim: string;
  mountPath: string;
  readOnly: boolean;
}

interface Pod {
  name: string;
  module: string;
  args: string[];
  env: Map<string, string>;
  mounts: Mount[];
}

interface ContainerMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

interface V1alpha1Service {
  envs?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPoint?: string }[];
  extraPodSpec?: {
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
    mainContainer?: {
      command?: string[];
      args?: string[];
      env?: { name: string; value?: string }[];
      volumeMounts?: ContainerMount[];
    };
  };
}

interface V1beta1Component {
  name: string;
  compilationCache?: { pvcName: string; mountPath?: string };
  podTemplate?: {
    spec?: {
      volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      containers?: {
        name: string;
        command?: string[];
        args?: string[];
        env?: { name: string; value?: string }[];
        volumeMounts?: ContainerMount[];
      }[];
    };
  };
}

/** The claim behind a mount: its volume's, or, for a mount with no volume, the claim of its name, as the operator adds it. */
function claimOf(name: string, volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] = []): string {
  return volumes.find((volume) => volume.name === name)?.persistentVolumeClaim?.claimName ?? name;
}

/** Each service's main container as its pod runs it, in either API version. */
function pods(graph: { spec?: { services?: Record<string, V1alpha1Service>; components?: V1beta1Component[] } }): Pod[] {
  const fromServices = Object.entries(graph.spec?.services ?? {}).map(([name, service]): Pod => {
    const main = service.extraPodSpec?.mainContainer ?? {};
    const volumes = service.extraPodSpec?.volumes;
    return {
      name,
      module: main.command?.[main.command.indexOf("-m") + 1] ?? "",
      args: main.args ?? [],
      env: new Map([...(service.envs ?? []), ...(main.env ?? [])].map((e) => [e.name, e.value ?? ""])),
      mounts: [
        ...(main.volumeMounts ?? []).map((m) => ({
          claim: claimOf(m.name, volumes),
          mountPath: m.mountPath,
          readOnly: m.readOnly === true,
        })),
        ...(service.volumeMounts ?? []).map((m) => ({ claim: m.name, mountPath: m.mountPoint!, readOnly: false })),
      ],
    };
  });
  const fromComponents = (graph.spec?.components ?? []).map((component): Pod => {
    const spec = component.podTemplate?.spec ?? {};
    const main = spec.containers?.find((c) => c.name === "main") ?? { name: "main" };
    return {
      name: component.name,
      module: main.command?.[main.command.indexOf("-m") + 1] ?? "",
      args: main.args ?? [],
      env: new Map((main.env ?? []).map((e) => [e.name, e.value ?? ""])),
      mounts: (main.volumeMounts ?? []).map((m) => ({
        claim: claimOf(m.name, spec.volumes),
        mountPath: m.mountPath,
        readOnly: m.readOnly === true,
      })),
    };
  });
  return [...fromServices, ...fromComponents];
}

function argAfter(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

function mountHolding(pod: Pod, path: string): Mount | undefined {
  return pod.mounts.find((mount) => path === mount.mountPath || path.startsWith(`${mount.mountPath}/`));
}

/** How the frontend gets each file of one worker's card, or why it must go to the Hub for it. */
function cardResolution(worker: Pod, frontend: Pod, release: DynamoRelease): { how: string; hubFor: string[] } {
  const directory = worker.module === "dynamo.mocker" ? argAfter(worker.args, "--model-path")! : argAfter(worker.args, "--model")!;
  const source = worker.module === "dynamo.mocker" ? argAfter(worker.args, "--model-name")! : directory;
  const files = CARD_FILES.map((file) => `${directory}/${file}`);
  const env = new Map([
    ...Object.entries(release.environment.operatorWorkerEnv).map(([name, { value }]): [string, string] => [name, value]),
    ...worker.env,
  ]);
  const selfHosted = env.has("DYN_SELF_HOST_METADATA")
    ? TRUTHY.has(env.get("DYN_SELF_HOST_METADATA")!.trim().toLowerCase())
    : release.environment.selfHostMetadataDefault.value;
  if (selfHosted && Number(env.get("DYN_SYSTEM_PORT") ?? -1) >= 0) return { how: "served by the worker", hubFor: [] };
  const sourceOnWorker = source.startsWith("/") && mountHolding(worker, source) !== undefined;
  if (!sourceOnWorker) return { how: `hf://${source}`, hubFor: files };
  const unreadable = files.filter((file) => {
    const there = mountHolding(worker, file)!;
    const here = mountHolding(frontend, file);
    return !here || here.claim !== there.claim || here.mountPath !== there.mountPath;
  });
  return { how: "local paths", hubFor: unreadable };
}

function hubNeeds(graph: object, release: DynamoRelease): string[] {
  const all = pods(graph as never);
  const frontend = all.find((pod) => pod.module === "dynamo.frontend")!;
  return all
    .filter((pod) => pod.module === "dynamo.vllm" || pod.module === "dynamo.mocker")
    .flatMap((worker) => {
      const { how, hubFor } = cardResolution(worker, frontend, release);
      return hubFor.map((file) => `${worker.name} (${how}): ${file}`);
    });
}

describe("the frontend reads every worker's model card without the Hub", () => {
  for (const { label, objects, release } of releaseMatrix()) {
    test(label, () => {
      assert.deepEqual(hubNeeds(objects.dynamoGraph, release), []);
    });
  }

  test("the contract has teeth: without the frontend's mount, 1.3's vLLM workers' cards would send it to the Hub", () => {
    const { objects, release } = releaseMatrix().find(
      (c) => c.stack === "disagg" && c.apiVersion === "v1alpha1" && c.release.release === "1.3",
    )!;
    const graph = structuredClone(objects.dynamoGraph) as any;
    delete graph.spec.services.Frontend.extraPodSpec.mainContainer.volumeMounts;
    const needs = hubNeeds(graph, release);
    assert.equal(needs.length, 8, "four card files for each of the two pools");
    assert.match(
      needs[0],
      /^Vllm(Decode|Prefill)Worker \(local paths\): \/home\/dynamo\/\.cache\/huggingface\/hub\/models--Qwen--Qwen3-32B\/snapshots\//,
    );
  });

  test("the contract has teeth: a mocker that does not serve its card sends the frontend to the Hub for the served name", () => {
    const { objects, release } = releaseMatrix().find(
      (c) => c.stack === "mock-agg" && c.apiVersion === "v1beta1" && c.release.release === "1.4",
    )!;
    const graph = structuredClone(objects.dynamoGraph) as any;
    const worker = graph.spec.components.find((c: V1beta1Component) => c.name === "VllmDecodeWorker").podTemplate.spec.containers[0];
    worker.env = worker.env.filter((e: { name: string }) => e.name !== "DYN_SELF_HOST_METADATA");
    assert.match(hubNeeds(graph, release)[0], /^VllmDecodeWorker \(hf:\/\/Qwen\/Qwen3-32B\): /);
  });

  test("the frontend's mount is read-only, of the claim the download Job fills", () => {
    for (const { objects, label } of releaseMatrix()) {
      const frontend = pods(objects.dynamoGraph as never).find((pod) => pod.module === "dynamo.frontend")!;
      assert.deepEqual(frontend.mounts, [{ claim: "model-cache", mountPath: "/home/dynamo/.cache/huggingface", readOnly: true }], label);
      const downloadMount = objects.modelDownloadJob.spec!.template.spec!.containers[0].volumeMounts![0];
      assert.deepEqual([downloadMount.name, downloadMount.mountPath], ["model-cache", frontend.mounts[0].mountPath]);
    }
  });
});
