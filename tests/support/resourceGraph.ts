import assert from "node:assert/strict";
import type { ProgramRun, RegisteredResource } from "./pulumiProgram";

export const TYPES = {
  provider: "pulumi:providers:kubernetes",
  sharedStorage: "dynamo-bench:index:SharedStorage",
  modelDownload: "dynamo-bench:index:ModelDownload",
  dynamoGraph: "dynamo-bench:index:DynamoGraph",
  benchmark: "dynamo-bench:index:Benchmark",
  randomId: "random:index/randomId:RandomId",
  configMap: "kubernetes:core/v1:ConfigMap",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  secret: "kubernetes:core/v1:Secret",
  job: "kubernetes:batch/v1:Job",
  graph: "kubernetes:nvidia.com/v1alpha1:DynamoGraphDeployment",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
} as const;

export function ofType(run: ProgramRun, type: string): RegisteredResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

export function only(run: ProgramRun, type: string): RegisteredResource {
  const found = ofType(run, type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
}

export function named(run: ProgramRun, type: string, name: string): RegisteredResource {
  const found = ofType(run, type).find((resource) => resource.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
}

/** The provider a custom resource was registered with, by its URN. */
export function providerOf(run: ProgramRun, resource: RegisteredResource): RegisteredResource {
  const providerUrn = resource.provider.split("::").slice(0, -1).join("::");
  const provider = run.resources.find((candidate) => candidate.urn === providerUrn);
  assert.ok(provider, `no provider ${providerUrn}`);
  return provider;
}

/** Inputs as plain JSON, the way the builders' objects compare. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
