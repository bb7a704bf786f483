import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { StackConfig } from "../config/schema";
import { buildDynamoGraph, type DynamoGraphDeployment } from "./dynamoGraph";
import { buildHfTokenSecret } from "./hfTokenSecret";
import { buildModelDownloadJob } from "./modelDownloadJob";
import { buildPersistentVolumeClaims, type PersistentVolumeClaims } from "./storage";

/** Every Kubernetes object of one stack, as plain data: `pulumi up`, `render` and the tests all start here. */
export interface StackObjects {
  persistentVolumeClaims: PersistentVolumeClaims;
  hfTokenSecret?: ISecret;
  modelDownloadJob: IJob;
  dynamoGraph: DynamoGraphDeployment;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

export function buildStackObjects(config: StackConfig): StackObjects {
  return {
    persistentVolumeClaims: buildPersistentVolumeClaims(config),
    hfTokenSecret: buildHfTokenSecret(config),
    modelDownloadJob: buildModelDownloadJob(config),
    dynamoGraph: buildDynamoGraph(config),
  };
}

/** The objects in the order `pulumi up` creates them. */
export function objectsInApplyOrder(objects: StackObjects): KubernetesObject[] {
  return [
    ...Object.values(objects.persistentVolumeClaims),
    ...(objects.hfTokenSecret ? [objects.hfTokenSecret] : []),
    objects.modelDownloadJob,
    objects.dynamoGraph,
  ];
}
