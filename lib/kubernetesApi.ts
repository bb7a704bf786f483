import type { Response } from "node-fetch";
import { loadUserKubeconfig } from "./userKubeconfig";

export interface ApiLimits {
  /** How long one API request may take to answer, connection and TLS included. */
  requestTimeoutMs: number;
  /** How long the whole task may take, credential plugins included. */
  totalTimeoutMs: number;
}

/** An API server that never answers holds a command for two minutes at most. */
export const DEFAULT_API_LIMITS: ApiLimits = { requestTimeoutMs: 30_000, totalTimeoutMs: 120_000 };

/** The API did not answer in time. */
export class ApiTimeout extends Error {}

/** The API answered with an error status: 401, 403, 404, 500… */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** `work`, or an ApiTimeout once `ms` have passed: covers what no request signal can, such as a hung exec credential plugin. */
export async function within<T>(ms: number, what: string, work: (deadline: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ApiTimeout(`${what} took longer than ${ms / 1000} s`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  /** Ends the request early, as a deadline or a Ctrl-C. */
  signal?: AbortSignal;
  /** How long until the answer's status and headers; the body of a stream may take longer. */
  timeoutMs?: number;
  /** "metadata": ask for the object's metadata alone (a Secret without its data). */
  accept?: "metadata";
}

/** The Kubernetes API with the user's kubeconfig, in one context, every request time-limited. */
export interface KubernetesApi {
  /** The API server's URL, as the kubeconfig gives it. */
  server: string;
  context: string;
  /** GET (or POST, DELETE) a path; resolves to its JSON, or throws ApiStatusError, ApiTimeout or the network's error. */
  json(path: string, options?: RequestOptions): Promise<unknown>;
  /**
   * The response itself, for a body that is read as it comes (a followed log), after its status is
   * checked; the request's signal, aborted, ends the body too.
   */
  open(path: string, options?: RequestOptions): Promise<Response>;
}

function shortened(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Rejects once `signal` aborts: a wait that takes no signal of its own, raced with it. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => reject(new Error("aborted"));
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
}

/** The message of a Kubernetes Status object, or the body's start. */
function statusMessage(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    // A Status's message is a line or two; a longer one is cut, so that no table it lands in grows with it.
    if (typeof parsed.message === "string" && parsed.message !== "") return `${status}: ${shortened(parsed.message)}`;
  } catch {
    // Not JSON: a proxy's page, for one.
  }
  const start = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return start === "" ? `HTTP ${status}` : `${status}: ${start}`;
}

/**
 * Opens the API of the stack's kube context (or the kubeconfig's current one). Every request has its
 * own timer: @kubernetes/client-node 1.3.0 sends requests through node-fetch with no signal
 * (dist/gen/http/isomorphic-fetch.js), so requests are sent here, with the same credentials
 * (KubeConfig.applyToFetchOptions, as its own Log class does in dist/log.js).
 */
export async function openKubernetesApi(kubeContext: string | undefined, limits: ApiLimits = DEFAULT_API_LIMITS): Promise<KubernetesApi> {
  const kubeConfig = await loadUserKubeconfig(kubeContext);
  const { default: fetch } = await import("node-fetch");
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("loadUserKubeconfig returned a context with no cluster");
  const server = cluster.server.replace(/\/+$/, "");

  /**
   * Sends the request, and runs `read` on its answer, both under the request's timer. With `streamed`,
   * the caller's signal still ends the body after the answer is returned, and its connection with it.
   */
  async function request<T>(path: string, options: RequestOptions, read: (response: Response) => Promise<T>, streamed = false): Promise<T> {
    const timeoutMs = options.timeoutMs ?? limits.requestTimeoutMs;
    // A timer and a controller, not AbortSignal.timeout: inside AbortSignal.any, Node 20 may collect
    // the timeout signal before it fires, and the request then waits forever (nodejs/node#57736).
    const controller = new AbortController();
    const abort = () => controller.abort();
    const timer = setTimeout(abort, timeoutMs);
    options.signal?.addEventListener("abort", abort, { once: true });
    if (options.signal?.aborted) abort();
    let listening = false;
    try {
      // An exec credential plugin runs here; one that never ends is cut by the request's own timer.
      const init = await Promise.race([kubeConfig.applyToFetchOptions({}), whenAborted(controller.signal)]);
      const headers = init.headers as unknown as { set(name: string, value: string): void };
      if (options.body !== undefined) headers.set("content-type", "application/json");
      if (options.accept === "metadata")
        headers.set("accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");
      const response = await fetch(`${server}${path}`, {
        ...init,
        method: options.method ?? "GET",
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      if (!response.ok) {
        const text = await response.text();
        throw new ApiStatusError(response.status, path, statusMessage(response.status, text));
      }
      const result = await read(response);
      if (streamed && options.signal) {
        const signal = options.signal;
        listening = true;
        response.body.once("close", () => signal.removeEventListener("abort", abort));
      }
      return result;
    } catch (error) {
      if (controller.signal.aborted && !options.signal?.aborted) {
        throw new ApiTimeout(`the Kubernetes API did not answer within ${timeoutMs / 1000} s`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (!listening) options.signal?.removeEventListener("abort", abort);
    }
  }

  return {
    server,
    context: kubeConfig.getCurrentContext(),
    open: (path, options = {}) => request(path, options, async (response) => response, true),
    json: (path, options = {}) => request(path, options, async (response) => JSON.parse(await response.text()) as unknown),
  };
}
