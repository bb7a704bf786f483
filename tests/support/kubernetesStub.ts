import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What the stub answers: a status and a body (JSON, unless text), "silence" (the connection stays
 * open, unanswered), "drop" (the connection is closed with no answer), or `respond`, which writes
 * the answer itself: a body streamed slowly, or cut off.
 */
export type StubAnswer =
  | { status: number; body?: unknown; text?: string }
  | { respond: (response: ServerResponse, request: IncomingMessage) => void }
  | "silence"
  | "drop";
/** Answers a request by its path and query, or undefined for a 404 Status. */
export type StubRoutes = (url: URL, request: IncomingMessage) => StubAnswer | undefined;

export interface KubernetesStub {
  url: string;
  /** A kubeconfig whose context "stub" points at the stub, with a bearer token; its current context points elsewhere. */
  kubeconfig: string;
  /** Every request, as "GET /path?query", with its Accept header when it asks for metadata alone. */
  requests: string[];
  routes: StubRoutes;
  close(): Promise<void>;
}

/** A Kubernetes Status body, as the API server sends with an error. */
export function status(code: number, reason: string, message: string): StubAnswer {
  return { status: code, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code } };
}

/** A stub Kubernetes API on 127.0.0.1 that answers in the API's shapes. Replace `routes` per test. */
export async function startKubernetesStub(routes: StubRoutes): Promise<KubernetesStub> {
  const sockets = new Set<Socket>();
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-kube-"));
  const stub: KubernetesStub = {
    url: "",
    kubeconfig: join(dir, "config"),
    requests: [],
    routes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url!, "http://stub");
    const metadataOnly = request.headers.accept?.includes("as=PartialObjectMetadata") ? " [metadata]" : "";
    stub.requests.push(`${request.method} ${decodeURIComponent(request.url!)}${metadataOnly}`);
    if (request.headers.authorization !== "Bearer stub-token") {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify((status(401, "Unauthorized", "Unauthorized") as { body: unknown }).body));
      return;
    }
    const answer =
      stub.routes(url, request) ?? status(404, "NotFound", `the server could not find the requested resource (${url.pathname})`);
    if (answer === "silence") return;
    if (answer === "drop") return void request.socket.destroy();
    if ("respond" in answer) return answer.respond(response, request);
    if (answer.text !== undefined) return void response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.text);
    response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    stub.kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {server: "${stub.url}", insecure-skip-tls-verify: true}
- name: elsewhere
  cluster: {server: "http://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: stub
  user: {token: stub-token}
contexts:
- name: stub
  context: {cluster: stub, user: stub}
- name: elsewhere
  context: {cluster: elsewhere, user: stub}
current-context: elsewhere
`,
  );
  return stub;
}

/** Objects in the shapes the API serves them. */
export const kube = {
  list: (kind: string, apiVersion: string, items: unknown[]) => ({
    status: 200,
    body: { kind, apiVersion, metadata: { resourceVersion: "1" }, items },
  }),
  node: (name: string, allocatable: Record<string, string>, unschedulable = false) => ({
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    spec: unschedulable ? { unschedulable: true } : {},
    status: { allocatable: { cpu: "96", memory: "2Ti", pods: "110", ...allocatable }, capacity: { cpu: "96", ...allocatable } },
  }),
  storageClass: (name: string, provisioner: string, isDefault = false) => ({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, ...(isDefault && { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }) },
    provisioner,
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  }),
  operatorDeployment: (version: string, readyReplicas: number) => ({
    metadata: {
      name: "dynamo-platform-dynamo-operator-controller-manager",
      namespace: "dynamo-system",
      labels: { "app.kubernetes.io/name": "dynamo-operator", "app.kubernetes.io/version": version, "control-plane": "controller-manager" },
    },
    spec: { replicas: 1 },
    status: readyReplicas > 0 ? { replicas: 1, readyReplicas, availableReplicas: readyReplicas } : { replicas: 1, unavailableReplicas: 1 },
  }),
  crd: (served: string[]) => ({
    status: 200,
    body: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "dynamographdeployments.nvidia.com", annotations: { "dynamo.nvidia.com/operator-version": "1.4.0" } },
      spec: {
        group: "nvidia.com",
        names: { kind: "DynamoGraphDeployment", plural: "dynamographdeployments" },
        scope: "Namespaced",
        versions: ["v1alpha1", "v1beta1"].map((name) => ({ name, served: served.includes(name), storage: name === "v1alpha1" })),
      },
    },
  }),
};
