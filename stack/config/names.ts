import { workerPools, type StackConfig } from "./schema";
import type { NameRule } from "./kubernetesRules";

/** The graph's services; the operator names its objects after them. */
export const SERVICE_NAMES = {
  frontend: "Frontend",
  prefill: "VllmPrefillWorker",
  decode: "VllmDecodeWorker",
} as const;

export const RECIPE_HF_TOKEN_SECRET = "hf-token-secret";

/** The benchmark's run id is a random.RandomId of this many bytes, shown as twice as many hex digits. */
export const RUN_ID_BYTES = 4;
/** The longest run id that can be drawn, for checking the names it goes into. */
export const LONGEST_RUN_ID = "f".repeat(RUN_ID_BYTES * 2);

/** The operator hashes each worker's spec into 8 hex digits and appends them to the worker's names. */
const OPERATOR_WORKER_HASH = "f".repeat(8);

type NamedConfig = Pick<StackConfig, "graph" | "hfToken" | "hfTokenSecretName">;

export function modelDownloadJobName(config: NamedConfig): string {
  return `${config.graph.name}-model-download`;
}

export function benchmarkJobName(config: NamedConfig, runId: string): string {
  return `${config.graph.name}-benchmark-${runId}`;
}

export function benchmarkScriptsName(config: NamedConfig): string {
  return `${config.graph.name}-benchmark-scripts`;
}

/** The ServiceAccount, Role and RoleBinding that let the benchmark Job find the graph's worker pods. */
export function benchmarkAccessName(config: NamedConfig): string {
  return `${config.graph.name}-benchmark`;
}

/**
 * The Secret the pods read HF_TOKEN from. A stack-created Secret is named after the graph, so
 * the two stacks, which share a namespace, each own their own and can be destroyed apart.
 */
export function hfTokenSecretName(config: NamedConfig): string {
  if (config.hfToken !== undefined) return `${config.graph.name}-hf-token`;
  return config.hfTokenSecretName ?? RECIPE_HF_TOKEN_SECRET;
}

/** The operator names the frontend's Service `<graph>-frontend`. */
export function frontendServiceName(config: NamedConfig): string {
  return `${config.graph.name}-frontend`;
}

/** A name that the stack or the operator derives from the config, and the rule Kubernetes holds it to. */
export interface DerivedName {
  what: string;
  name: string;
  /** The name as users will see it: the run id and the operator's hash are drawn later. */
  shown: string;
  rule: NameRule;
  /** The config key that makes the name too long, when it is. */
  field: "graph.name" | "namespace";
}

function fromGraph(what: string, name: string, rule: NameRule, shown = name): DerivedName {
  return { what, name, shown, rule, field: "graph.name" };
}

/** The names of this stack's own objects, each also the value of its `app.kubernetes.io/name` label. */
export function stackObjectNames(config: NamedConfig, runId: string): DerivedName[] {
  const names: DerivedName[] = [
    fromGraph("the DynamoGraphDeployment", config.graph.name, "labelValue"),
    fromGraph("the model download Job", modelDownloadJobName(config), "labelValue"),
    fromGraph("the benchmark scripts ConfigMap", benchmarkScriptsName(config), "labelValue"),
    fromGraph("the benchmark's ServiceAccount, Role and RoleBinding", benchmarkAccessName(config), "labelValue"),
    // A Job's name becomes its pods' job-name label, so it is held to 63 characters.
    fromGraph("the benchmark Job", benchmarkJobName(config, runId), "labelValue", benchmarkJobName(config, "<run id>")),
  ];
  if (config.hfToken !== undefined) names.push(fromGraph("the token Secret", hfTokenSecretName(config), "labelValue"));
  return names;
}

/**
 * The names the Dynamo operator derives from the graph (deploy/operator/internal/dynamo/graph.go,
 * GetDCDResourceName, and internal/controller/dynamocomponentdeployment_controller.go, in
 * ai-dynamo/dynamo @ 01cc1c3b677b20c5dd72d9eb76962dc04b55b8be, a release/1.4.0 commit; GetDCDResourceName
 * reads the same at 4cba833f, the 1.3 release branch point, and at d7bb84ef):
 * - each service's DynamoComponentDeployment, Deployment and `nvidia.com/selector` label are
 *   `<graph>-<service, lower-case>`, and a worker's also end in `-<8-hex spec hash>`;
 * - Services carry the same names, so they are DNS-1035 labels (the frontend's is `<graph>-frontend`);
 * - every pod is labelled `nvidia.com/dynamo-namespace=<namespace>-<graph>`.
 */
export function operatorNames(config: Pick<StackConfig, "graph" | "namespace" | "workers">): DerivedName[] {
  const graph = config.graph.name;
  const names: DerivedName[] = [fromGraph("the frontend's Service", `${graph}-${SERVICE_NAMES.frontend.toLowerCase()}`, "dns1035Label")];
  for (const pool of workerPools(config)) {
    const base = `${graph}-${SERVICE_NAMES[pool.role].toLowerCase()}`;
    names.push(
      fromGraph(`the ${pool.role} workers' Deployment and Service`, `${base}-${OPERATOR_WORKER_HASH}`, "dns1035Label", `${base}-<hash>`),
    );
  }
  const dynamoNamespace = `${config.namespace}-${graph.replaceAll(".", "-")}`;
  names.push({
    what: "the pods' nvidia.com/dynamo-namespace label",
    name: dynamoNamespace,
    shown: dynamoNamespace,
    rule: "labelValue",
    field: "namespace",
  });
  return names;
}
