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

/** Service-level envs first, then the main container's, which replace one of the same name in place (`mergeEnvs`). */
function mergedEnv(service: DynamoService) {
  const byName = new Map((service.envs ?? []).map((env) => [env.name, env]));
  for (const env of service.extraPodSpec.mainContainer.env ?? []) byName.set(env.name, env);
  return byName.size > 0 ? [...byName.values()] : undefined;
}

/** The main container's own mounts first, then every service-level mount, the compilation cache's included. */
function mainContainerMounts(service: DynamoService) {
  const flat = (service.volumeMounts ?? []).map(({ name, mountPoint }) => ({ name, mountPath: mountPoint! }));
  const mounts = [...(service.extraPodSpec.mainContainer.volumeMounts ?? []), ...flat];
  return mounts.length > 0 ? mounts : undefined;
}

function component(name: string, service: DynamoService): Component {
  const { mainContainer, ...podSpec } = service.extraPodSpec;
  const cache = (service.volumeMounts ?? []).find((mount) => mount.useAsCompilationCache);
  const sub = service.subComponentType;
  const type: Component["type"] =
    service.componentType === "worker" && (sub === "prefill" || sub === "decode") ? sub : service.componentType;
  const { image, workingDir, command, args } = mainContainer;
  const mounts = mainContainerMounts(service);
  const env = mergedEnv(service);
  const requests = podResources(service.resources.requests);
  const limits = podResources(service.resources.limits);
  return {
    name,
    type,
    replicas: service.replicas,
    ...(service.runtimeVersionOverride !== undefined && { runtimeVersionOverride: service.runtimeVersionOverride }),
    ...(service.sharedMemory?.disabled && { sharedMemorySize: "0" }),
    ...(cache && { compilationCache: { pvcName: cache.name, mountPath: cache.mountPoint } }),
    podTemplate: {
      ...(service.extraPodMetadata && { metadata: { annotations: { ...service.extraPodMetadata.annotations } } }),
      spec: {
        ...podSpec,
        containers: [
          {
            name: MAIN_CONTAINER,
            image,
            ...(workingDir !== undefined && { workingDir }),
            command,
            args,
            ...(env && { env }),
            ...(service.envFromSecret !== undefined && { envFrom: [{ secretRef: { name: service.envFromSecret } }] }),
            resources: { ...(requests && { requests }), ...(limits && { limits }) },
            ...(mounts && { volumeMounts: mounts }),
          },
        ],
      },
    },
  };
}

/**
 * The same graph as v1beta1, as the operator's own conversion makes it
 * (deploy/operator/api/v1alpha1/shared_spec_conversion.go `ConvertFromDynamoComponentDeploymentSharedSpec`
 * and `buildSharedPodTemplateFromAlpha`, dynamographdeployment_conversion.go, ai-dynamo/dynamo@5a638087):
 * - each service becomes a component named after it, in name order, a prefill or decode worker of that type;
 * - `sharedMemory.disabled` becomes `sharedMemorySize: "0"`, and the first `useAsCompilationCache`
 *   mount becomes `compilationCache`;
 * - `extraPodMetadata` becomes the pod template's metadata, and `extraPodSpec`'s pod fields its spec;
 * - one `main` container holds the image, command and args, the environment, the Secret, the
 *   resources, and the main container's mounts followed by every service-level mount;
 * - `spec.pvcs`, which only names existing claims, has no v1beta1 field.
 * The operator adds a volume for each claim mounted without one when it renders the pods
 * (internal/dynamo/graph.go `appendMissingPVCVolumesForMounts`, in 1.3, 1.4 and 1.5.0-dev alike).
 * tests/stack/dynamoGraphConversion.test.ts states each rule and checks the builders' graphs against it.
 */
export function asV1beta1(graph: DynamoGraphDeployment): DynamoGraphDeploymentV1beta1 {
  const components = Object.entries(graph.spec.services)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, service]) => component(name, service));
  return { apiVersion: "nvidia.com/v1beta1", kind: "DynamoGraphDeployment", metadata: graph.metadata, spec: { components } };
}
