import type { RequestContext, ResponseContext } from "@kubernetes/client-node";

/** Reads a container's log from the pods of a Job, as `kubectl logs job/<name> -c <container>` would. */
export interface JobLogReader {
  containerLog(namespace: string, jobName: string, container: string): Promise<string>;
}

export interface ApiLimits {
  /** How long one API request may take, connection and TLS included. */
  requestTimeoutMs: number;
  /** How long the whole read may take, credential plugins included. */
  totalTimeoutMs: number;
  /** The most of the log to read: the summary is kilobytes. */
  maxLogBytes: number;
}

/** An API server that never answers holds `pulumi up` for two minutes at most. */
export const DEFAULT_API_LIMITS: ApiLimits = { requestTimeoutMs: 30_000, totalTimeoutMs: 120_000, maxLogBytes: 16 * 1024 * 1024 };

class ApiTimeout extends Error {}

/** `work`, or an ApiTimeout once `ms` have passed: covers what no request signal can, such as a hung exec credential plugin. */
async function within<T>(ms: number, what: string, work: (deadline: AbortSignal) => Promise<T>): Promise<T> {
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

/**
 * A reader through the Kubernetes API, with the user's kubeconfig and the stack's context. Every
 * request carries a timeout: @kubernetes/client-node 1.3.0 sends requests through node-fetch with no
 * signal (dist/gen/http/isomorphic-fetch.js), so this sends them itself, the same way, with one.
 */
export function kubernetesJobLogs(kubeContext?: string, limits: ApiLimits = DEFAULT_API_LIMITS): JobLogReader {
  return {
    containerLog: (namespace, jobName, container) =>
      within(limits.totalTimeoutMs, "reading the summary from the Kubernetes API", async (deadline) => {
        // Loaded here so that preview, render and the tests never pay for the client.
        const k8s = await import("@kubernetes/client-node");
        const { default: fetch } = await import("node-fetch");
        const kubeConfig = new k8s.KubeConfig();
        kubeConfig.loadFromDefault();
        if (kubeContext) kubeConfig.setCurrentContext(kubeContext);
        const cluster = kubeConfig.getCurrentCluster();
        if (!cluster) throw new Error("the kubeconfig names no cluster for this context");
        // The legacy gcp and azure auth-providers run their command with execSync (client-node
        // dist/gcp_auth.js, azure_auth.js), which blocks the event loop, so no deadline could end it.
        if (kubeConfig.getCurrentUser()?.authProvider?.config?.["cmd-path"]) {
          throw new Error(
            "the kubeconfig's user runs a legacy auth-provider command (cmd-path), which cannot be time-limited; " +
              "use an exec credential plugin (such as gke-gcloud-auth-plugin or kubelogin)",
          );
        }

        const httpApi = k8s.wrapHttpLibrary({
          async send(request: RequestContext): Promise<ResponseContext> {
            // A timer and a controller, not AbortSignal.timeout: inside AbortSignal.any, Node 20 may
            // collect the timeout signal before it fires, and the request then waits on the deadline
            // alone (nodejs/node#57736).
            const controller = new AbortController();
            const abort = () => controller.abort();
            const timer = setTimeout(abort, limits.requestTimeoutMs);
            deadline.addEventListener("abort", abort, { once: true });
            if (deadline.aborted) abort();
            const signal = controller.signal;
            try {
              const response = await fetch(request.getUrl(), {
                method: request.getHttpMethod().toString(),
                body: request.getBody() as string | undefined,
                headers: request.getHeaders(),
                agent: request.getAgent(),
                signal,
              });
              const headers: Record<string, string> = {};
              response.headers.forEach((value, name) => (headers[name] = value));
              const text = await response.text();
              return new k8s.ResponseContext(response.status, headers, { text: async () => text, binary: async () => Buffer.from(text) });
            } catch (error) {
              if (signal.aborted) throw new ApiTimeout(`the Kubernetes API did not answer within ${limits.requestTimeoutMs / 1000} s`);
              throw error;
            } finally {
              clearTimeout(timer);
              deadline.removeEventListener("abort", abort);
            }
          },
        });
        const core = new k8s.CoreV1Api(
          k8s.createConfiguration({
            baseServer: new k8s.ServerConfiguration(cluster.server, {}),
            authMethods: { default: kubeConfig },
            httpApi,
          }),
        );
        const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
        const createdAt = (pod: (typeof pods.items)[number]) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
        const newest = pods.items.filter((pod) => pod.metadata?.name).sort((a, b) => createdAt(b) - createdAt(a))[0];
        if (!newest) throw new Error(`no pod of Job ${jobName} in namespace ${namespace}`);
        return core.readNamespacedPodLog({ namespace, name: newest.metadata!.name!, container, limitBytes: limits.maxLogBytes });
      }),
  };
}
