import { createHash } from "node:crypto";
import http from "node:http";
import type { StubAnswer, StubRoutes } from "./kubernetesStub";

/** A file on the fake perf-cache volume: its bytes, or a symbolic link (listed, never served). */
export type VolumeEntry = Buffer | { symlink: string };

export interface VolumeRun {
  /** Seconds since 1970. */
  modifiedAt: number;
  exitCode: string | null;
  files: Record<string, VolumeEntry>;
}

/** One stack's artifacts on the fake volume, by run id. */
export type FakeVolume = Record<string, VolumeRun>;

export interface ReaderClusterOptions {
  namespace?: string;
  /** The pod's status once created: ready at once unless said. */
  podStatus?: () => unknown;
  /** Answers one proxied path of the reader instead of the fake volume: faults. */
  readerAnswer?: (path: string) => StubAnswer | undefined;
  /** Answers one API path (before the reader's) instead: 401, 403, 500… */
  apiAnswer?: (method: string, path: string) => StubAnswer | undefined;
  /** Reader pods an earlier command left. */
  strayPods?: unknown[];
  /** Forwards the reader's paths to a real reader on 127.0.0.1 at this port, instead of the fake volume. */
  realReaderPort?: number;
}

export interface ReaderCluster {
  routes: StubRoutes;
  /** The pods created, as POSTed. */
  created: { metadata: { name: string } }[];
  /** The names of the pods deleted. */
  deleted: string[];
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export const READY = () => ({ phase: "Running", conditions: [{ type: "Ready", status: "True" }] });

function listing(runId: string, run: VolumeRun) {
  return {
    runId,
    files: Object.entries(run.files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, entry]) =>
        Buffer.isBuffer(entry) ? { path, type: "file", size: entry.length, sha256: sha256(entry) } : { path, type: "symlink" },
      ),
  };
}

/** The reader's own answer for one of its paths, from the fake volume, as results-reader.py gives it. */
function volumeAnswer(volume: FakeVolume, path: string): StubAnswer {
  const parts = path.split("/").map(decodeURIComponent);
  if (path === "runs") {
    return {
      status: 200,
      body: {
        runs: Object.entries(volume).map(([runId, run]) => ({
          runId,
          modifiedAt: run.modifiedAt,
          exitCode: run.exitCode,
          hasSummary: "summary.json" in run.files,
        })),
      },
    };
  }
  const run = volume[parts[1]];
  if (run && parts.length === 3 && parts[2] === "listing") return { status: 200, body: listing(parts[1], run) };
  const file = run?.files[parts.slice(3).join("/")];
  if (parts[2] === "files" && Buffer.isBuffer(file)) {
    return { respond: (response) => response.writeHead(200, { "content-length": file.length }).end(file) };
  }
  return { status: 404, body: { message: `no such path: /${path}` } };
}

/** Forwards a request to a real reader on 127.0.0.1, as the API server's pod proxy forwards it to the pod. */
function forwardTo(port: number, path: string): StubAnswer {
  return {
    respond: (response) => {
      http
        .get({ host: "127.0.0.1", port, path: `/${path}` }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        })
        .on("error", () => response.destroy());
    },
  };
}

/**
 * A cluster, in the Kubernetes API's shapes, where `results` makes its reader pod: the pod is
 * created (201), read (its status), deleted, and its server reached through the pod proxy.
 */
export function readerCluster(volume: FakeVolume, options: ReaderClusterOptions = {}): ReaderCluster {
  const namespace = options.namespace ?? "dynamo-bench";
  const pods = `/api/v1/namespaces/${namespace}/pods`;
  const cluster: ReaderCluster = { created: [], deleted: [], routes: () => undefined };
  const podObject = (name: string, status: unknown) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, status });
  cluster.routes = (url, request) => {
    const method = request.method ?? "GET";
    const override = options.apiAnswer?.(method, url.pathname);
    if (override) return override;
    if (method === "GET" && url.pathname === pods) {
      return { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: {}, items: options.strayPods ?? [] } };
    }
    if (method === "POST" && url.pathname === pods) {
      return {
        respond: (response, incoming) => {
          let text = "";
          incoming.on("data", (chunk: Buffer) => (text += chunk.toString()));
          incoming.on("end", () => {
            const pod = JSON.parse(text) as { metadata: { name: string } };
            cluster.created.push(pod);
            response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ...pod, status: { phase: "Pending" } }));
          });
        },
      };
    }
    const proxied = new RegExp(`^${pods}/([a-z0-9-]+):8080/proxy/(.*)$`).exec(url.pathname);
    if (proxied && method === "GET") {
      const path = proxied[2];
      const fault = options.readerAnswer?.(path);
      if (fault) return fault;
      return options.realReaderPort !== undefined
        ? forwardTo(options.realReaderPort, url.pathname.slice(url.pathname.indexOf("/proxy/") + 7))
        : volumeAnswer(volume, path);
    }
    const pod = new RegExp(`^${pods}/([a-z0-9-]+)$`).exec(url.pathname);
    if (pod && method === "GET") return { status: 200, body: podObject(pod[1], (options.podStatus ?? READY)()) };
    if (pod && method === "DELETE") {
      cluster.deleted.push(pod[1]);
      return { status: 200, body: podObject(pod[1], { phase: "Running" }) };
    }
    return undefined;
  };
  return cluster;
}
