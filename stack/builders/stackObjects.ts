import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { StackConfig } from "../config/schema";
import { buildDynamoGraph, type DynamoGraphDeployment } from "./dynamoGraph";
import { asV1beta1, type DynamoGraphDeploymentV1beta1 } from "./dynamoGraphV1beta1";
import { buildHfTokenSecret } from "./hfTokenSecret";
import { buildModelDownloadJob } from "./modelDownloadJob";
import { buildPersistentVolumeClaims, type PersistentVolumeClaims } from "./storage";
import { buildBenchmarkScripts } from "./benchmarkScripts";
import { buildBenchmarkJob } from "./benchmarkJob";
import { buildBenchmarkAccess, type BenchmarkAccess } from "./benchmarkAccess";
import { ownedByStack } from "./metadata";
import type { BenchmarkRunRef } from "./benchmarkRun";
import type { ClusterScripts } from "./clusterScripts";

/** Every Kubernetes object of one stack, as plain data: `pulumi up`, `render` and the tests all start here. */
export interface StackObjects {
  persistentVolumeClaims: PersistentVolumeClaims;
  hfTokenSecret?: ISecret;
  modelDownloadJob: IJob;
  /** In the API version the config asks for. */
  dynamoGraph: DynamoGraphDeployment | DynamoGraphDeploymentV1beta1;
  /** The benchmark, when config.benchmark.enabled. */
  benchmark?: { scripts: IConfigMap; access: BenchmarkAccess; job: IJob };
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

export function buildStackObjects(config: StackConfig, run: BenchmarkRunRef, scripts: ClusterScripts): StackObjects {
  const own = <Object extends { metadata?: object }>(object: Object) => ownedByStack(object, run.stack);
  const secret = buildHfTokenSecret(config);
  const graph = buildDynamoGraph(config);
  const ownAccess = (access: BenchmarkAccess): BenchmarkAccess => ({
    serviceAccount: own(access.serviceAccount),
    role: own(access.role),
    roleBinding: own(access.roleBinding),
  });
  return {
    persistentVolumeClaims: buildPersistentVolumeClaims(config),
    hfTokenSecret: secret && own(secret),
    modelDownloadJob: own(buildModelDownloadJob(config, scripts.modelDownloadSh)),
    dynamoGraph: own(config.graph.apiVersion === "v1beta1" ? asV1beta1(graph) : graph),
    benchmark: config.benchmark.enabled
      ? {
          scripts: own(buildBenchmarkScripts(config, scripts)),
          access: ownAccess(buildBenchmarkAccess(config)),
          job: buildBenchmarkJob(config, run),
        }
      : undefined,
  };
}

/** The objects in the order `pulumi up` creates them: storage, download, graph, benchmark. */
export function objectsInApplyOrder(objects: StackObjects): KubernetesObject[] {
  return [
    ...Object.values(objects.persistentVolumeClaims),
    ...(objects.hfTokenSecret ? [objects.hfTokenSecret] : []),
    objects.modelDownloadJob,
    objects.dynamoGraph,
    ...(objects.benchmark
      ? [
          objects.benchmark.scripts,
          objects.benchmark.access.serviceAccount,
          objects.benchmark.access.role,
          objects.benchmark.access.roleBinding,
          objects.benchmark.job,
        ]
      : []),
  ];
}
