import { z } from "zod";
import { quantityValue } from "../../lib/quantity";
import { ApiStatusError, ApiTimeout, type KubernetesApi } from "../../lib/kubernetesApi";
import { releaseFor, releaseName } from "../../stack/schemas/dynamoReleases";
import { OWNER } from "../../stack/builders/metadata";
import { readWriteMany } from "./storageProvisioners";
import { totalWorkerGpus, type StackNeeds } from "./stackNeeds";

export type Outcome = "pass" | "warn" | "fail";

export interface CheckResult {
  check: string;
  outcome: Outcome;
  /** What was found. */
  found: string;
  /** What to do about a warn or a fail. */
  fix?: string;
}

type Api = Pick<KubernetesApi, "json" | "server" | "context">;

const GPU = "nvidia.com/gpu";
const DGD_CRD = "dynamographdeployments.nvidia.com";
/** The platform chart installs the CRDs and the operator (ai-dynamo/dynamo docs/kubernetes/installation-guide.md @28a856c5, Path A). */
const installCommand = (version: string) =>
  `helm fetch https://helm.ngc.nvidia.com/nvidia/ai-dynamo/charts/dynamo-platform-${version}.tgz && ` +
  `helm install dynamo-platform dynamo-platform-${version}.tgz --namespace dynamo-system --create-namespace`;

/** Why a request failed, in a few words. */
export function apiProblem(error: unknown): string {
  if (error instanceof ApiStatusError) {
    if (error.status === 401) return "the API server refused the credentials (401)";
    if (error.status === 403) return `forbidden (403): ${error.message.replace(/^403: /, "")}`;
    return `the API server answered ${error.message}`;
  }
  if (error instanceof ApiTimeout) return error.message;
  if (error instanceof SyntaxError) return "the API server's answer is not JSON";
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "the API server refused the connection";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the API server's host name does not resolve";
  if (code === "ECONNRESET") return "the API server closed the connection";
  return (error as Error).message ?? String(error);
}

const isStatus = (error: unknown, status: number) => error instanceof ApiStatusError && error.status === status;

/** A check that could not be made: a warn, since it neither passed nor found a problem. */
function unknownResult(check: string, error: unknown, fix: string): CheckResult {
  return {
    check,
    outcome: isStatus(error, 403) || isStatus(error, 500) ? "warn" : "fail",
    found: `cannot tell: ${apiProblem(error)}`,
    fix,
  };
}

function parsed<T>(schema: z.ZodType<T>, answer: unknown, what: string): T {
  const result = schema.safeParse(answer);
  if (!result.success) throw new Error(`the API server answered ${what} in an unexpected shape`);
  return result.data;
}

const metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export async function checkApiServer(api: Api): Promise<CheckResult> {
  const check = "API server";
  try {
    const version = parsed(z.object({ gitVersion: z.string() }), await api.json("/version"), "/version");
    return { check, outcome: "pass", found: `Kubernetes ${version.gitVersion} at ${api.server} (context ${api.context})` };
  } catch (error) {
    const fix = isStatus(error, 401)
      ? `renew your credentials for context ${api.context}, then try \`kubectl --context ${api.context} get namespaces\``
      : `check that context ${api.context} (${api.server}) is the cluster you mean, and that it is reachable from here`;
    return { check, outcome: "fail", found: apiProblem(error), fix };
  }
}

/** The CRD serves the graph's API version; the operator runs, ready, at the graph's Dynamo release. */
export async function checkOperator(api: Api, needs: StackNeeds): Promise<CheckResult[]> {
  const version = needs.graph.dynamoVersion ?? "<version>";
  const crdCheck = "DynamoGraphDeployment CRD";
  const results: CheckResult[] = [];
  try {
    const crd = parsed(
      z.object({ metadata, spec: z.object({ versions: z.array(z.object({ name: z.string(), served: z.boolean() })) }) }),
      await api.json(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${DGD_CRD}`),
      DGD_CRD,
    );
    const served = crd.spec.versions.filter((each) => each.served).map((each) => `nvidia.com/${each.name}`);
    results.push(
      served.includes(needs.graph.apiVersion)
        ? { check: crdCheck, outcome: "pass", found: `serves ${served.join(", ")}` }
        : {
            check: crdCheck,
            outcome: "fail",
            found: `serves ${served.join(", ") || "no version"}, not the stack's ${needs.graph.apiVersion}`,
            fix: `set graph.apiVersion to one the cluster serves, or upgrade the platform: ${installCommand(version)}`,
          },
    );
  } catch (error) {
    if (isStatus(error, 404)) {
      results.push({
        check: crdCheck,
        outcome: "fail",
        found: "not installed: the cluster has no Dynamo platform",
        fix: installCommand(version),
      });
    } else {
      results.push(unknownResult(crdCheck, error, `ask an admin whether Dynamo ${version}'s platform is installed`));
    }
  }

  const operatorCheck = "Dynamo operator";
  try {
    // The operator's chart labels its Deployment so (deploy/helm/charts/platform/components/operator/templates/_helpers.tpl).
    const selector = encodeURIComponent("app.kubernetes.io/name=dynamo-operator");
    const list = parsed(
      z.object({ items: z.array(z.object({ metadata, status: z.object({ readyReplicas: z.number().optional() }).optional() })) }),
      await api.json(`/apis/apps/v1/deployments?labelSelector=${selector}`),
      "the Deployment list",
    );
    const ready = list.items.filter((each) => (each.status?.readyReplicas ?? 0) > 0);
    if (list.items.length === 0) {
      results.push({
        check: operatorCheck,
        outcome: "fail",
        found: "no Deployment labelled dynamo-operator",
        fix: installCommand(version),
      });
    } else if (ready.length === 0) {
      const where = list.items.map((each) => `${each.metadata.namespace}/${each.metadata.name}`).join(", ");
      results.push({
        check: operatorCheck,
        outcome: "fail",
        found: `${where}: no ready replica`,
        fix: `kubectl -n ${list.items[0].metadata.namespace} describe deployment ${list.items[0].metadata.name}`,
      });
    } else {
      const operator = ready[0];
      const running = operator.metadata.labels?.["app.kubernetes.io/version"];
      const where = `${operator.metadata.namespace}/${operator.metadata.name}`;
      const theirs = running === undefined ? undefined : releaseFor(running);
      const ours = needs.graph.dynamoVersion === undefined ? undefined : releaseFor(needs.graph.dynamoVersion);
      if (running === undefined) {
        results.push({
          check: operatorCheck,
          outcome: "warn",
          found: `${where} is ready; its version is not labelled`,
          fix: "check it runs Dynamo " + version,
        });
      } else if (theirs && ours && theirs.release !== ours.release) {
        results.push({
          check: operatorCheck,
          outcome: "warn",
          found: `${where} runs ${running}; the graph's image runs ${version} (${releaseName(ours)})`,
          fix:
            "the operator converts the graph by its own release's rules: " +
            `use an operator of ${ours.release}, or graph.image of ${theirs.release}`,
        });
      } else {
        results.push({ check: operatorCheck, outcome: "pass", found: `${where} runs ${running}, ready` });
      }
    }
  } catch (error) {
    results.push(unknownResult(operatorCheck, error, "ask an admin whether the Dynamo operator runs, and at which version"));
  }
  return results;
}

/** More of a device than any node holds: an answer that says so is not believed. */
const MAX_DEVICES_PER_NODE = 4096;

/** A node's allocatable count of a device, a whole number; 0 when it has none, or says a count no node has. */
function allocatable(node: { status?: { allocatable?: Record<string, string> } }, resource: string): number {
  const count = unbelievable(node, resource) ? undefined : quantityValue(node.status?.allocatable?.[resource] ?? "0");
  return count !== undefined && count > 0 ? count : 0;
}

/** A device count that is no whole number from 0 to MAX_DEVICES_PER_NODE ("1e308", "16500m", "8Gi"): extended resources are counts. */
function unbelievable(node: { status?: { allocatable?: Record<string, string> } }, resource: string): boolean {
  const text = node.status?.allocatable?.[resource];
  if (text === undefined) return false;
  const count = quantityValue(text);
  return count === undefined || !Number.isInteger(count) || count < 0 || count > MAX_DEVICES_PER_NODE;
}

const nodeList = z.object({
  items: z.array(
    z.object({
      metadata,
      spec: z.object({ unschedulable: z.boolean().optional() }).optional(),
      status: z.object({ allocatable: z.record(z.string(), z.string()).optional() }).optional(),
    }),
  ),
});

/** How many of the stack's worker pods fit at once: each on one node, by GPUs and RDMA, largest first. */
function placeWorkers(nodes: z.infer<typeof nodeList>["items"], needs: StackNeeds): { placed: number; wanted: number } {
  const free = nodes.map((node) => ({ resources: new Map<string, number>(), node }));
  for (const each of free) {
    each.resources.set(GPU, allocatable(each.node, GPU));
    for (const pool of needs.workers) if (pool.rdma) each.resources.set(pool.rdma.resource, allocatable(each.node, pool.rdma.resource));
  }
  let placed = 0;
  let wanted = 0;
  for (const pool of [...needs.workers].sort((a, b) => b.gpus - a.gpus)) {
    for (let replica = 0; replica < pool.replicas; replica++) {
      wanted++;
      const asks: [string, number][] = [
        [GPU, pool.gpus],
        ...(pool.rdma ? [[pool.rdma.resource, pool.rdma.count] as [string, number]] : []),
      ];
      const node = free.find((each) => asks.every(([resource, count]) => (each.resources.get(resource) ?? 0) >= count));
      if (!node) continue;
      for (const [resource, count] of asks) node.resources.set(resource, node.resources.get(resource)! - count);
      placed++;
    }
  }
  return { placed, wanted };
}

/**
 * GPUs in total, each worker on one node, and RDMA where the workers request it. Allocatable, not
 * free: pods already running are not subtracted.
 */
export async function checkNodes(api: Api, needs: StackNeeds): Promise<CheckResult[]> {
  if (needs.workers.length === 0)
    return [{ check: "GPUs", outcome: "pass", found: "none requested: the workers are Dynamo's mocker, on CPU" }];
  const needed = totalWorkerGpus(needs);
  let nodes: z.infer<typeof nodeList>["items"];
  try {
    nodes = parsed(nodeList, await api.json("/api/v1/nodes"), "the node list").items.filter((node) => !node.spec?.unschedulable);
  } catch (error) {
    return [unknownResult("GPUs", error, `ask an admin for ${needed} allocatable ${GPU} on nodes you may schedule on`)];
  }
  const results: CheckResult[] = [];
  const gpuNodes = nodes.filter((node) => allocatable(node, GPU) > 0);
  const total = gpuNodes.reduce((sum, node) => sum + allocatable(node, GPU), 0);
  const strange = nodes.filter((node) => unbelievable(node, GPU));
  const leftOut =
    strange.length === 0
      ? ""
      : `; left out: ${strange
          .slice(0, 3)
          .map((node) => `${node.metadata.name} says ${node.status?.allocatable?.[GPU]}`)
          .join(", ")}${strange.length > 3 ? ", …" : ""}, not a count of devices`;
  const onNodes = `on ${gpuNodes.length} schedulable node${gpuNodes.length === 1 ? "" : "s"}`;
  results.push(
    total >= needed
      ? {
          check: "GPUs",
          outcome: "pass",
          found: `${total} ${GPU} allocatable ${onNodes}; the stack needs ${needed}${leftOut}`,
        }
      : {
          check: "GPUs",
          outcome: "fail",
          found: `${total} ${GPU} allocatable ${onNodes}; the stack needs ${needed}${leftOut}`,
          fix: "add GPU nodes, or lower workers.*.replicas (the comparison needs both stacks at the same size)",
        },
  );

  for (const rdma of new Map(needs.workers.flatMap((pool) => (pool.rdma ? [[pool.rdma.resource, pool.rdma]] : []))).values()) {
    const check = `RDMA (${rdma.resource})`;
    const withRdma = gpuNodes.filter((node) => allocatable(node, rdma.resource) >= rdma.count);
    results.push(
      withRdma.length > 0
        ? { check, outcome: "pass", found: `${withRdma.length} of ${gpuNodes.length} GPU nodes have ${rdma.count} or more allocatable` }
        : {
            check,
            outcome: "fail",
            found: `no GPU node has ${rdma.count} ${rdma.resource} allocatable: every worker would stay Pending`,
            fix:
              "install the RDMA device plugin (the NVIDIA Network Operator), or, without InfiniBand, " +
              `\`pulumi config set -s ${needs.stack} --path workers.rdma.enabled false\` (KV moves over TCP: slower)`,
          },
    );
  }

  const { placed, wanted } = placeWorkers(nodes, needs);
  const byGpusAlone = placeWorkers(nodes, { ...needs, workers: needs.workers.map((pool) => ({ ...pool, rdma: undefined })) });
  const perWorker = needs.workers.map((pool) => `${pool.gpus} GPU${pool.rdma ? ` + ${pool.rdma.count} ${pool.rdma.resource}` : ""}`);
  results.push(
    placed === wanted
      ? { check: "Worker placement", outcome: "pass", found: `all ${wanted} workers (${[...new Set(perWorker)].join("; ")} each) fit` }
      : {
          check: "Worker placement",
          outcome: "fail",
          found: `${placed} of ${wanted} workers fit, each on one node with ${[...new Set(perWorker)].join("; ")}`,
          fix:
            byGpusAlone.placed === wanted
              ? "they fit by GPUs alone: RDMA is what is missing (see its check)"
              : "free GPUs on the nodes (another graph?), or lower the replicas",
        },
  );
  return results;
}

const storageClass = z.object({ metadata, provisioner: z.string() });

export async function checkStorage(api: Api, needs: StackNeeds): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const byClass = new Map<string | undefined, StackNeeds["claims"]>();
  for (const claim of needs.claims) byClass.set(claim.storageClassName, [...(byClass.get(claim.storageClassName) ?? []), claim]);
  const setClass = `pulumi config set -s ${needs.stack} --path storage.storageClassName <class>`;
  for (const [name, claims] of byClass) {
    const check = `Storage class ${name ?? "(default)"}`;
    let klass: z.infer<typeof storageClass>;
    try {
      if (name === undefined) {
        const list = parsed(
          z.object({ items: z.array(storageClass) }),
          await api.json("/apis/storage.k8s.io/v1/storageclasses"),
          "the class list",
        );
        const defaults = list.items.filter((each) => each.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
        if (defaults.length === 0) {
          results.push({ check, outcome: "fail", found: "the cluster has no default storage class", fix: setClass });
          continue;
        }
        klass = defaults[0];
      } else {
        klass = parsed(storageClass, await api.json(`/apis/storage.k8s.io/v1/storageclasses/${encodeURIComponent(name)}`), "the class");
      }
    } catch (error) {
      if (isStatus(error, 404))
        results.push({ check, outcome: "fail", found: `no storage class ${name}`, fix: `kubectl get storageclass; then ${setClass}` });
      else results.push(unknownResult(check, error, "ask an admin which storage classes give ReadWriteMany volumes"));
      continue;
    }
    const shared = claims.some((claim) => claim.accessModes.includes("ReadWriteMany"));
    const what = `${klass.metadata.name} (${klass.provisioner})`;
    const rwx = readWriteMany(klass.provisioner);
    if (!shared || rwx === "yes") {
      results.push({
        check,
        outcome: "pass",
        found: shared ? `${what} gives ReadWriteMany volumes` : `${what}; the claims are ${claims[0].accessModes.join(", ")}`,
      });
    } else if (rwx === "no") {
      results.push({
        check,
        outcome: "fail",
        found: `${what} gives block volumes, one node at a time; the stack's claims are ReadWriteMany`,
        fix: `${setClass} with a shared file system (NFS, EFS, Filestore, Azure Files, CephFS, Lustre…)`,
      });
    } else {
      results.push({
        check,
        outcome: "warn",
        found: `${what}: cannot tell whether it gives ReadWriteMany volumes`,
        fix: "check its driver's docs; a claim it cannot serve stays Pending",
      });
    }
  }
  return results;
}

export async function checkNamespace(api: Api, needs: StackNeeds): Promise<CheckResult> {
  const check = `Namespace ${needs.namespace}`;
  try {
    await api.json(`/api/v1/namespaces/${needs.namespace}`);
    return { check, outcome: "pass", found: "exists" };
  } catch (error) {
    if (isStatus(error, 404))
      return { check, outcome: "fail", found: "does not exist", fix: `kubectl create namespace ${needs.namespace}` };
    return unknownResult(check, error, `ask an admin for access to namespace ${needs.namespace}`);
  }
}

export async function checkHfTokenSecret(api: Api, needs: StackNeeds): Promise<CheckResult> {
  const { name, createdByStack } = needs.hfTokenSecret;
  const check = "Hugging Face token";
  if (createdByStack) return { check, outcome: "pass", found: `hfToken is set: the stack creates Secret ${name}` };
  const create =
    `kubectl -n ${needs.namespace} create secret generic ${name} --from-literal=HF_TOKEN=<token>, ` +
    `or pulumi config set -s ${needs.stack} --secret hfToken <token>`;
  try {
    // Only the Secret's metadata is asked for: its token never leaves the cluster.
    await api.json(`/api/v1/namespaces/${needs.namespace}/secrets/${name}`, { accept: "metadata" });
    return { check, outcome: "pass", found: `Secret ${name} exists` };
  } catch (error) {
    if (isStatus(error, 404)) {
      return { check, outcome: "fail", found: `no Secret ${name}, which every worker and the download read HF_TOKEN from`, fix: create };
    }
    return unknownResult(check, error, `check that Secret ${name} exists in ${needs.namespace}`);
  }
}

/** A graph already in the namespace: this stack's own is updated in place; any other holds GPUs. */
export async function checkOtherGraphs(api: Api, needs: StackNeeds): Promise<CheckResult> {
  const check = "Other graphs";
  try {
    const list = parsed(
      z.object({
        items: z.array(z.object({ metadata, spec: z.object({ services: z.record(z.string(), z.unknown()).optional() }).optional() })),
      }),
      await api.json(`/apis/${needs.graph.apiVersion}/namespaces/${needs.namespace}/dynamographdeployments`),
      "the graph list",
    );
    const others = list.items.filter((graph) => graph.metadata.name !== needs.graph.name);
    const own = list.items.length > others.length;
    if (others.length === 0) {
      return { check, outcome: "pass", found: own ? `only this stack's ${needs.graph.name}, which up updates` : "none in the namespace" };
    }
    const named = others.map((graph) => {
      const stack = graph.metadata.annotations?.[OWNER.stack];
      return stack ? `${graph.metadata.name} (stack ${stack})` : graph.metadata.name;
    });
    const destroy = others.map((graph) => {
      const stack = graph.metadata.annotations?.[OWNER.stack];
      return stack ? `pulumi destroy -s ${stack}` : `kubectl -n ${needs.namespace} delete dynamographdeployment ${graph.metadata.name}`;
    });
    return {
      check,
      outcome: needs.workers.length > 0 ? "fail" : "warn",
      found: `${named.join(", ")} still up${needs.workers.length > 0 ? ", holding GPUs this stack needs" : ""}`,
      fix: `${[...new Set(destroy)].join("; ")} (results and the model cache are kept)`,
    };
  } catch (error) {
    if (isStatus(error, 404)) return { check, outcome: "pass", found: "none: the API serves no graphs yet" };
    return unknownResult(check, error, `kubectl -n ${needs.namespace} get dynamographdeployments`);
  }
}
