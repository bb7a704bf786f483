import { workerPools, type StackConfig } from "../../stack/config/schema";
import { hfTokenSecretName } from "../../stack/config/names";
import { buildPersistentVolumeClaims } from "../../stack/builders/storage";
import { dynamoVersion } from "../../stack/config/dynamoRelease";

/** One kind of worker pod: how many, and what each asks of its node. */
export interface WorkerPods {
  role: string;
  replicas: number;
  gpus: number;
  /** The extended RDMA resource each pod requests, when it does. */
  rdma?: { resource: string; count: number };
}

/** What `pulumi up -s <stack>` will ask of the cluster, read from the same config and builders. */
export interface StackNeeds {
  stack: string;
  namespace: string;
  graph: { name: string; apiVersion: string; dynamoVersion: string | undefined };
  /** Workers on GPUs; none for a mocker stack. */
  workers: WorkerPods[];
  claims: { name: string; storageClassName?: string; accessModes: string[] }[];
  /** The Secret every worker and the download read HF_TOKEN from, and whether the stack creates it. */
  hfTokenSecret: { name: string; createdByStack: boolean };
}

export function stackNeeds(stack: string, config: StackConfig): StackNeeds {
  const { workers } = config;
  const gpuWorkers =
    workers.engine === "vllm"
      ? workerPools(config).map((pool) => ({
          role: pool.role,
          replicas: pool.replicas,
          gpus: workers.tensorParallelSize,
          ...(workers.rdma.enabled && { rdma: { resource: workers.rdma.resourceName, count: workers.rdma.perWorker } }),
        }))
      : [];
  return {
    stack,
    namespace: config.namespace,
    graph: { name: config.graph.name, apiVersion: `nvidia.com/${config.graph.apiVersion}`, dynamoVersion: dynamoVersion(config.graph) },
    workers: gpuWorkers.filter((pool) => pool.replicas > 0),
    claims: Object.values(buildPersistentVolumeClaims(config)).map((claim) => ({
      name: claim.metadata!.name!,
      storageClassName: claim.spec?.storageClassName,
      accessModes: claim.spec?.accessModes ?? [],
    })),
    hfTokenSecret: { name: hfTokenSecretName(config), createdByStack: config.hfToken !== undefined },
  };
}

export function totalWorkerGpus(needs: StackNeeds): number {
  return needs.workers.reduce((sum, pool) => sum + pool.replicas * pool.gpus, 0);
}
