import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Response } from "node-fetch";
import { ApiStatusError, type KubernetesApi, type RequestOptions } from "../../lib/kubernetesApi";
import { UserError } from "../../lib/userError";
import { firstIssue } from "../../lib/zodMessages";
import { PROJECT, type StackConfig } from "../../stack/config/schema";
import { buildResultsReaderPod, RESULTS_READER_LABELS, RESULTS_READER_PORT } from "../../stack/builders/resultsReaderPod";
import { apiProblem } from "../preflight/checks";

type Api = Pick<KubernetesApi, "json" | "open">;

export interface ReaderLimits {
  /** How long one API request may take to answer, and the longest silence inside a streamed body. */
  requestTimeoutMs: number;
  /** How long the pod may take to be ready: scheduled, its image there, its server answering. */
  startTimeoutMs: number;
  /** The pod's activeDeadlineSeconds: it ends itself by then, even if the command that made it is killed. */
  podDeadlineSeconds: number;
}

/** The reader pod's HTTP server, through the API server's pod proxy. */
export interface ResultsReader {
  podName: string;
  /** GET a path of the reader, checked against `schema`; `what` names it in an error. */
  json<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T>;
  /** GET a path of the reader as a stream, once its status is known to be 200; `signal` ends it, connection and all. */
  open(path: string, signal: AbortSignal): Promise<Response>;
}

export interface ReaderContext {
  api: Api;
  config: StackConfig;
  stack: string;
  script: string;
  limits: ReaderLimits;
  /** The command's deadline, and Ctrl-C. */
  signal: AbortSignal;
  /** A line for stderr. */
  note: (line: string) => void;
}

const podView = z.object({
  metadata: z.object({ name: z.string(), creationTimestamp: z.string().optional() }),
  status: z
    .object({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
      containerStatuses: z
        .array(
          z.object({
            state: z
              .object({
                waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
                terminated: z.object({ reason: z.string().optional(), exitCode: z.number().optional() }).optional(),
              })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
type PodView = z.infer<typeof podView>;
const podList = z.object({ items: z.array(podView) });

/** `answer` as `schema` says, or a UserError naming `what` and the first problem. */
function checked<T>(schema: z.ZodType<T>, answer: unknown, what: string): T {
  const result = schema.safeParse(answer);
  if (!result.success) throw new UserError(`${what} is not what was expected (${firstIssue(result.error)})`);
  return result.data;
}

/** What keeps a pod from being ready, in a few words. */
function podState(pod: PodView): string {
  const status = pod.status ?? {};
  const container = status.containerStatuses?.[0]?.state;
  const waiting = container?.waiting?.reason;
  const terminated = container?.terminated;
  const parts = [
    status.phase ?? "no phase yet",
    waiting && `${waiting}${container?.waiting?.message ? `: ${container.waiting.message}` : ""}`,
    terminated && `container ${terminated.reason ?? "ended"} with exit code ${terminated.exitCode ?? "unknown"}`,
    status.reason && `${status.reason}${status.message ? `: ${status.message}` : ""}`,
  ];
  return parts.filter(Boolean).join(", ");
}

const isReady = (pod: PodView) => pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True");

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const podsPath = (namespace: string) => `/api/v1/namespaces/${namespace}/pods`;
const selector = encodeURIComponent(
  Object.entries(RESULTS_READER_LABELS)
    .map(([key, value]) => `${key}=${value}`)
    .join(","),
);

/** Polls the pod until it is ready, it stops, or the start timeout passes: each a bounded wait. */
async function waitUntilReady(context: ReaderContext, podName: string): Promise<void> {
  const { api, config, limits, signal } = context;
  const startedAt = Date.now();
  // Short polls for short timeouts, so a test's timeout needs no long wait; at most one a second.
  const pollMs = Math.min(1000, Math.max(20, limits.startTimeoutMs / 20));
  let last = "no answer yet";
  for (;;) {
    signal.throwIfAborted();
    const pod = checked(
      podView,
      await api.json(`${podsPath(config.namespace)}/${podName}`, { signal }),
      "the Kubernetes API's answer for the reader pod",
    );
    if (isReady(pod)) return;
    last = podState(pod);
    if (pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded") {
      throw new UserError(`the reader pod ${podName} stopped before it served anything (${last})`);
    }
    if (Date.now() - startedAt >= limits.startTimeoutMs) {
      throw new UserError(
        `the reader pod ${podName} was not ready within ${limits.startTimeoutMs / 1000} s (${last}); ` +
          "raise --start-timeout if the cluster is slow to schedule it",
      );
    }
    await sleep(pollMs, signal);
  }
}

/** Deletes one pod, with a signal of its own: it runs after a deadline or a Ctrl-C too. */
async function deletePod(context: ReaderContext, podName: string): Promise<void> {
  const { api, config, limits, note } = context;
  const controller = new AbortController();
  try {
    await api.json(`${podsPath(config.namespace)}/${podName}?gracePeriodSeconds=1`, {
      method: "DELETE",
      signal: controller.signal,
      timeoutMs: Math.min(limits.requestTimeoutMs, 10_000),
    });
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 404) return;
    note(
      `note: could not delete the reader pod ${podName} (${apiProblem(error)}); it ends itself within ` +
        `${limits.podDeadlineSeconds} s, or: kubectl delete pod -n ${config.namespace} ${podName}`,
    );
  }
}

/** Reader pods an earlier command left, once they have stopped (their deadline passed): deleted. Running ones may be another command's. */
async function deleteStoppedReaders(context: ReaderContext): Promise<void> {
  const { api, config, signal } = context;
  const pods = checked(
    podList,
    await api.json(`${podsPath(config.namespace)}?labelSelector=${selector}`, { signal }),
    "the Kubernetes API's pod list",
  );
  for (const pod of pods.items) {
    if (pod.status?.phase !== "Failed" && pod.status?.phase !== "Succeeded") continue;
    context.note(`note: deleting ${pod.metadata.name}, a reader pod an earlier command left (${pod.status.phase})`);
    await deletePod(context, pod.metadata.name);
  }
}

/**
 * Runs `work` with a reader pod of the stack's artifacts: created, waited for, then deleted whatever
 * happens, after an error, a deadline or a Ctrl-C too.
 */
export async function withResultsReader<T>(context: ReaderContext, work: (reader: ResultsReader) => Promise<T>): Promise<T> {
  const { api, config, limits, signal } = context;
  await deleteStoppedReaders(context);
  const podName = `${PROJECT}-results-${randomBytes(4).toString("hex")}`;
  const pod = buildResultsReaderPod(config, {
    podName,
    stack: context.stack,
    deadlineSeconds: limits.podDeadlineSeconds,
    script: context.script,
  });
  const proxy = (path: string) => `${podsPath(config.namespace)}/${podName}:${RESULTS_READER_PORT}/proxy/${path}`;
  const options: RequestOptions = { signal };
  try {
    await api.json(podsPath(config.namespace), { method: "POST", body: pod, signal });
    await waitUntilReady(context, podName);
    return await work({
      podName,
      json: async (path, schema, what) => checked(schema, await api.json(proxy(path), options), what),
      open: (path, fileSignal) => api.open(proxy(path), { signal: fileSignal }),
    });
  } finally {
    await deletePod(context, podName);
  }
}
