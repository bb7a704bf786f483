import { z } from "zod";
import { DEFAULT_API_LIMITS, openKubernetesApi, within, type ApiLimits } from "../../lib/kubernetesApi";

/** Reads a container's log from the pods of a Job, as `kubectl logs job/<name> -c <container>` would. */
export interface JobLogReader {
  containerLog(namespace: string, jobName: string, container: string): Promise<string>;
}

export interface LogLimits extends ApiLimits {
  /** The most of the log to read: the summary is kilobytes. */
  maxLogBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { ...DEFAULT_API_LIMITS, maxLogBytes: 16 * 1024 * 1024 };

const podList = z.object({
  items: z.array(z.object({ metadata: z.object({ name: z.string().min(1), creationTimestamp: z.string().optional() }) })),
});

/** The Job's newest pod, by its creation time: a retried Job has several. */
export async function newestJobPod(
  api: { json(path: string, options?: { signal?: AbortSignal }): Promise<unknown> },
  namespace: string,
  jobName: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const selector = encodeURIComponent(`job-name=${jobName}`);
  const answer = podList.safeParse(await api.json(`/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`, { signal }));
  if (!answer.success) throw new Error("the Kubernetes API answered the pod list in an unexpected shape");
  const createdAt = (pod: (typeof answer.data.items)[number]) => new Date(pod.metadata.creationTimestamp ?? 0).getTime();
  const newest = [...answer.data.items].sort((a, b) => createdAt(b) - createdAt(a))[0];
  return newest?.metadata.name;
}

/** A reader through the Kubernetes API, with the user's kubeconfig and the stack's context, every request time-limited. */
export function kubernetesJobLogs(kubeContext?: string, limits: LogLimits = DEFAULT_LOG_LIMITS): JobLogReader {
  return {
    containerLog: (namespace, jobName, container) =>
      within(limits.totalTimeoutMs, "reading the summary from the Kubernetes API", async (deadline) => {
        const api = await openKubernetesApi(kubeContext, limits);
        const pod = await newestJobPod(api, namespace, jobName, deadline);
        if (!pod) throw new Error(`no pod of Job ${jobName} in namespace ${namespace}`);
        const query = `container=${encodeURIComponent(container)}&limitBytes=${limits.maxLogBytes}`;
        const response = await api.open(`/api/v1/namespaces/${namespace}/pods/${pod}/log?${query}`, { signal: deadline });
        return response.text();
      }),
  };
}
