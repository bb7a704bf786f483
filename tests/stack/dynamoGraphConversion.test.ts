/**
 * graph.apiVersion v1beta1 is the v1alpha1 graph as the operator's own conversion makes it, rule by
 * rule: deploy/operator/api/v1alpha1/shared_spec_conversion.go (ssc) and
 * dynamographdeployment_conversion.go (dgdc), ai-dynamo/dynamo @ d7bb84ef (the 1.4 table's commit;
 * the rules below read the same at 4cba833f and 2a6da14c, but for runtimeVersionOverride, which 1.3 has not).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildDynamoGraph, type DynamoService } from "../../stack/builders/dynamoGraph";
import { asV1beta1 } from "../../stack/builders/dynamoGraphV1beta1";
import { STACKS, stackConfigWith } from "../support/releaseMatrix";

const graphs = [
  ...STACKS.map((stack) => ({ label: stack, graph: buildDynamoGraph(stackConfigWith(stack, { apiVersion: "v1alpha1" })) })),
  {
    label: "disagg with runtimeVersionOverride",
    graph: buildDynamoGraph(stackConfigWith("disagg", { image: "registry.local/vllm:custom", runtimeVersionOverride: "1.4.0" })),
  },
];

type Converted = ReturnType<typeof asV1beta1>;
type Component = NonNullable<NonNullable<Converted["spec"]>["components"]>[number];

function pairs(graph: (typeof graphs)[number]["graph"]): [string, DynamoService, Component][] {
  const components = asV1beta1(graph).spec!.components!;
  return Object.entries(graph.spec.services).map(([name, service]) => [name, service, components.find((c) => c.name === name)!]);
}

const main = (component: Component) => component.podTemplate!.spec!.containers[0];

describe("v1beta1 equals the operator's conversion, field by field", () => {
  for (const { label, graph } of graphs) {
    describe(label, () => {
      test("dgdc: one component per service, named after it, in name order", () => {
        const names = asV1beta1(graph).spec!.components!.map((c) => c.name);
        assert.deepEqual(names, Object.keys(graph.spec.services).sort());
      });

      test("ssc sharedComponentTypeToHub: a worker's prefill or decode subtype is its type; else its componentType", () => {
        for (const [, service, component] of pairs(graph)) {
          const sub = service.subComponentType;
          assert.equal(
            component.type,
            service.componentType === "worker" && (sub === "prefill" || sub === "decode") ? sub : service.componentType,
          );
        }
      });

      test("ssc: replicas and runtimeVersionOverride are copied", () => {
        for (const [, service, component] of pairs(graph)) {
          assert.equal(component.replicas, service.replicas);
          assert.equal(component.runtimeVersionOverride, service.runtimeVersionOverride);
        }
      });

      test('ssc ConvertFromSharedMemorySpec: sharedMemory.disabled is sharedMemorySize "0"; no sharedMemory, none', () => {
        for (const [, service, component] of pairs(graph)) {
          assert.equal(component.sharedMemorySize, service.sharedMemory?.disabled ? "0" : undefined);
        }
      });

      test("ssc: the first useAsCompilationCache mount is compilationCache", () => {
        for (const [, service, component] of pairs(graph)) {
          const cache = service.volumeMounts?.find((m) => m.useAsCompilationCache);
          assert.deepEqual(component.compilationCache, cache && { pvcName: cache.name, mountPath: cache.mountPoint });
        }
      });

      test("ssc buildBasePodTemplate: extraPodMetadata is the pod's metadata, extraPodSpec's pod fields its spec", () => {
        for (const [, service, component] of pairs(graph)) {
          assert.deepEqual(
            component.podTemplate!.metadata,
            service.extraPodMetadata && { annotations: service.extraPodMetadata.annotations },
          );
          const podFields: Record<string, unknown> = { ...service.extraPodSpec };
          delete podFields.mainContainer;
          const { containers, ...spec } = component.podTemplate!.spec!;
          assert.deepEqual(spec, podFields);
          assert.equal(containers.length, 1);
        }
      });

      test("ssc buildMainContainerFromDedicated, mergeExtraPodSpecMainContainer: one container, main, the main container's fields", () => {
        for (const [, service, component] of pairs(graph)) {
          const { image, workingDir, command, args } = service.extraPodSpec.mainContainer;
          const container = main(component);
          assert.equal(container.name, "main");
          assert.deepEqual([container.image, container.workingDir, container.command, container.args], [image, workingDir, command, args]);
        }
      });

      test("ssc mergeEnvs: service envs first, a main-container env of the same name replaces it in place, new ones follow", () => {
        for (const [, service, component] of pairs(graph)) {
          const expected = [...(service.envs ?? [])];
          for (const env of service.extraPodSpec.mainContainer.env ?? []) {
            const at = expected.findIndex((e) => e.name === env.name);
            if (at >= 0) expected[at] = env;
            else expected.push(env);
          }
          assert.deepEqual(main(component).env ?? [], expected);
        }
      });

      test("ssc: envFromSecret is one envFrom secretRef", () => {
        for (const [, service, component] of pairs(graph)) {
          assert.deepEqual(
            main(component).envFrom,
            service.envFromSecret === undefined ? undefined : [{ secretRef: { name: service.envFromSecret } }],
          );
        }
      });

      test("ssc resourcesToNative: gpu is nvidia.com/gpu; cpu, memory and custom resources keep their names", () => {
        for (const [, service, component] of pairs(graph)) {
          for (const side of ["requests", "limits"] as const) {
            const alpha = service.resources[side];
            const expected: Record<string, string> = {};
            if (alpha?.cpu !== undefined) expected.cpu = alpha.cpu;
            if (alpha?.memory !== undefined) expected.memory = alpha.memory;
            if (alpha?.gpu !== undefined) expected["nvidia.com/gpu"] = alpha.gpu;
            Object.assign(expected, alpha?.custom);
            assert.deepEqual(main(component).resources?.[side] ?? {}, expected, side);
          }
        }
      });

      test("ssc: the main container's own mounts, then every service mount as {name, mountPath}, the compilation cache's included", () => {
        for (const [, service, component] of pairs(graph)) {
          const expected = [
            ...(service.extraPodSpec.mainContainer.volumeMounts ?? []),
            ...(service.volumeMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPoint })),
          ];
          assert.deepEqual(main(component).volumeMounts ?? [], expected);
        }
      });

      test("nothing else is written: the component's and the container's fields are the ones above", () => {
        for (const [, , component] of pairs(graph)) {
          for (const key of Object.keys(component)) {
            assert.ok(
              ["name", "type", "replicas", "runtimeVersionOverride", "sharedMemorySize", "compilationCache", "podTemplate"].includes(key),
              key,
            );
          }
          for (const key of Object.keys(main(component))) {
            assert.ok(["name", "image", "workingDir", "command", "args", "env", "envFrom", "resources", "volumeMounts"].includes(key), key);
          }
        }
      });
    });
  }

  test("the rules are exercised: disabled shared memory, a cache, a Secret, annotations, an override, a read-only mount", () => {
    const all = graphs.flatMap(({ graph }) => pairs(graph));
    assert.ok(all.some(([, , c]) => c.sharedMemorySize === "0"));
    assert.ok(all.some(([, , c]) => c.compilationCache));
    assert.ok(all.some(([, , c]) => main(c).envFrom));
    assert.ok(all.some(([, , c]) => c.podTemplate!.metadata));
    assert.ok(all.some(([, , c]) => c.runtimeVersionOverride === "1.4.0"));
    assert.ok(all.some(([, , c]) => main(c).volumeMounts?.some((m) => m.readOnly)));
  });
});
