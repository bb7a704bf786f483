import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { StackConfig } from "../config/schema";
import { benchmarkAccessName } from "../config/names";
import { stackMeta } from "./metadata";

/** What the benchmark Job may do with the Kubernetes API: list the pods of its namespace, nothing more. */
export interface BenchmarkAccess {
  serviceAccount: IServiceAccount;
  role: IRole;
  roleBinding: IRoleBinding;
}

/**
 * The Job scrapes each worker's metrics, on the pod's own address: with the default discovery, the
 * operator makes a Service for the frontend alone (ai-dynamo/dynamo@4cba833f deploy/operator/internal/
 * controller/dynamographdeployment_controller.go:1053-1058), so the workers are found by listing pods.
 */
export function buildBenchmarkAccess(config: StackConfig): BenchmarkAccess {
  const name = benchmarkAccessName(config);
  const metadata = stackMeta(config, name);
  return {
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: true },
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata,
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
    },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: config.namespace }],
    },
  };
}
