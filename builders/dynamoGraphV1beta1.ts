import type { IDynamoGraphDeployment as V1beta1Graph } from "../schemas/dynamo/dynamographdeployment.v1beta1";
import type { DynamoGraphDeployment, DynamoService } from "./dynamoGraph";

type Component = NonNullable<NonNullable<V1beta1Graph["spec"]>["components"]>[number];

/** The DynamoGraphDeployment as nvidia.com/v1beta1, the storage version since Dynamo 1.5. */
export type DynamoGraphDeploymentV1beta1 = V1beta1Graph & { metadata: DynamoGraphDeployment["metadata"] };

/** The operator finds a component's engine by this container name (v1beta1 `MainContainerName`). */
const MAIN_CONTAINER = "main";
const GPU_RESOURCE = "nvidia.com/gpu";

type Resources = Record<string, string>;

/** `gpu` is `nvidia.com/gpu` in a pod; cpu and custom resources such as `rdma/ib` keep their names. */
function podResources(
  list: { cpu?: string; gpu?: string; memory?: string; custom?: Record<string, string> } | undefined,
): Resources | undefined {
  if (!list) return undefined;
  const { gpu, custom, ...named } = list;
  const resources: Resources = { ...(named as Resources), ...(gpu !== undefined && { [GPU_RESOURCE]: gpu }), ...custom };
  return Object.keys(resources).length > 0 ? resources : undefined;
}

/** Service-level envs first, then the main container's, which win by name, as the operator merges them. */
function mergedEnv(service: DynamoService) {
  const byName = new Map((service.envs ?? []).map((env) => [env.name, env]));
  for (const env of service.extraPodSpec.mainContainer.env ?? []) byName.set(env.name, env);
  return byName.size > 0 ? [...byName.values()] : undefined;
}

function component(name: string, service: DynamoService): Component {
  const { mainContainer } = service.extraPodSpec;
  const mounts = service.volumeMounts ?? [];
  const cache = mounts.find((mount) => mount.useAsCompilationCache);
  // Every mount this stack writes has its mount point; one without would have nowhere to go in a pod.
  const podMounts = mounts
    .filter((mount) => mount !== cache)
    .flatMap(({ name: claim, mountPoint }) => (mountPoint ? [{ name: claim, mountPath: mountPoint }] : []));
  const sub = service.subComponentType;
  const type: Component["type"] =
    service.componentType === "worker" && (sub === "prefill" || sub === "decode") ? sub : service.componentType;
  return {
    name,
    type,
    replicas: service.replicas,
    ...(service.runtimeVersionOverride !== undefined && { runtimeVersionOverride: service.runtimeVersionOverride }),
    ...(cache && { compilationCache: { pvcName: cache.name, mountPath: cache.mountPoint } }),
    podTemplate: {
      ...(service.extraPodMetadata && { metadata: { annotations: { ...service.extraPodMetadata.annotations } } }),
      spec: {
        containers: [
          {
            name: MAIN_CONTAINER,
            image: mainContainer.image,
            ...(mainContainer.workingDir !== undefined && { workingDir: mainContainer.workingDir }),
            command: mainContainer.command,
            args: mainContainer.args,
            ...(mergedEnv(service) && { env: mergedEnv(service) }),
            ...(service.envFromSecret !== undefined && { envFrom: [{ secretRef: { name: service.envFromSecret } }] }),
            resources: {
              ...(podResources(service.resources.requests) && { requests: podResources(service.resources.requests) }),
              ...(podResources(service.resources.limits) && { limits: podResources(service.resources.limits) }),
            },
            ...(podMounts.length > 0 && { volumeMounts: podMounts }),
          },
        ],
        // The operator would add these itself for mounts without one; written here, nothing is left to it.
        ...(podMounts.length > 0 && {
          volumes: podMounts.map((mount) => ({ name: mount.name, persistentVolumeClaim: { claimName: mount.name } })),
        }),
      },
    },
  };
}

/**
 * The same graph as v1beta1, as the operator's own conversion makes it
 * (deploy/operator/api/v1alpha1/shared_spec_conversion.go @ 0d531a94, dynamographdeployment_conversion.go
 * @ 0fddc01b in ai-dynamo/dynamo): each service becomes a component named after it, a prefill or decode
 * worker gets that type, resources, the Secret, the environment and the mounts move into the pod's
 * `main` container, the compilation-cache mount becomes `compilationCache`, and `spec.pvcs`, which
 * only names existing claims, has no v1beta1 field. Two things are written out that the operator
 * would otherwise do when it renders the pods (internal/dynamo/graph.go): a volume for each claim
 * mounted, and the cache mount kept out of the main container, whose `compilationCache` mounts it.
 */
export function asV1beta1(graph: DynamoGraphDeployment): DynamoGraphDeploymentV1beta1 {
  const components = Object.entries(graph.spec.services)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, service]) => component(name, service));
  return { apiVersion: "nvidia.com/v1beta1", kind: "DynamoGraphDeployment", metadata: graph.metadata, spec: { components } };
}
