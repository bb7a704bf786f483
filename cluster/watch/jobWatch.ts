import { z } from "zod";
import { ApiStatusError, type KubernetesApi } from "../../lib/kubernetesApi";
import { UserError } from "../../lib/userError";
import { newestJobPod } from "../../stack/hooks/jobLogs";
import { parseProgressLine, type Progress } from "./progressLine";

export interface WatchLimits {
  /** One API request, the log stream's headers included. */
  requestTimeoutMs: number;
  /** A log stream with no byte for this long is dropped and opened again: the Job prints a line every 30 s. */
  stallMs: number;
  /** The wait before opening a dropped stream again, and between looks at a Job whose pod is not ready. */
  retryMs: number;
  /** How many drops, failed requests or pods not yet started in a row before giving up. */
  maxRetries: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { requestTimeoutMs: 15_000, stallMs: 120_000, retryMs: 5_000, maxRetries: 120 };

export type JobOutcome = { succeeded: true } | { succeeded: false; reason: string };

export interface WatchEvents {
  /** A line of the replay's log, other than a progress line. */
  line(text: string): void;
  progress(progress: Progress): void;
  /** What the watch itself does: a stream dropped and opened again. */
  notice(text: string): void;
}

const metadata = z.object({ name: z.string(), creationTimestamp: z.string().optional() });
const condition = z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional() });
const job = z.object({ metadata, status: z.object({ conditions: z.array(condition).optional() }).optional() });
const terminated = z.object({ exitCode: z.number() }).optional();
const containerStatus = z.object({ name: z.string(), state: z.object({ terminated }).optional() });
const pod = z.object({
  status: z
    .object({ initContainerStatuses: z.array(containerStatus).optional(), containerStatuses: z.array(containerStatus).optional() })
    .optional(),
});

function parsed<T>(schema: z.ZodType<T>, answer: unknown, what: string): T {
  const result = schema.safeParse(answer);
  if (!result.success) throw new Error(`the Kubernetes API answered ${what} in an unexpected shape`);
  return result.data;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** The newest benchmark Job of the graph, or the named run's. */
export async function findBenchmarkJob(
  api: Pick<KubernetesApi, "json">,
  namespace: string,
  graph: string,
  runId?: string,
): Promise<string> {
  const prefix = `${graph}-benchmark-`;
  if (runId !== undefined) {
    const name = `${prefix}${runId}`;
    try {
      await api.json(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`);
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 404)
        throw new UserError(`--run: there is no Job ${name} in namespace ${namespace}`);
      throw error;
    }
    return name;
  }
  const selector = encodeURIComponent("app.kubernetes.io/part-of=dynamo-bench");
  const list = parsed(
    z.object({ items: z.array(job) }),
    await api.json(`/apis/batch/v1/namespaces/${namespace}/jobs?labelSelector=${selector}`),
    "the Job list",
  );
  const created = (each: z.infer<typeof job>) => new Date(each.metadata.creationTimestamp ?? 0).getTime();
  const newest = list.items
    .filter((each) => each.metadata.name.startsWith(prefix) && /^[0-9a-f]+(-\d+)?$/.test(each.metadata.name.slice(prefix.length)))
    .sort((a, b) => created(b) - created(a))[0];
  if (!newest) throw new UserError(`no benchmark Job of graph ${graph} in namespace ${namespace}: has \`pulumi up\` started one?`);
  return newest.metadata.name;
}

/** The Job's outcome once it has one; undefined while it runs. */
export async function jobOutcome(api: Pick<KubernetesApi, "json">, namespace: string, name: string): Promise<JobOutcome | undefined> {
  const found = parsed(job, await api.json(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`), "the Job");
  const conditions = found.status?.conditions ?? [];
  const holds = (type: string) => conditions.find((each) => each.type === type && each.status === "True");
  if (holds("Complete")) return { succeeded: true };
  const failed = holds("Failed");
  if (failed) return { succeeded: false, reason: [failed.reason, failed.message].filter(Boolean).join(": ") || "the Job failed" };
  return undefined;
}

/** Has the pod's container ended? Then its log is complete. */
async function containerEnded(api: Pick<KubernetesApi, "json">, namespace: string, podName: string, container: string): Promise<boolean> {
  const found = parsed(pod, await api.json(`/api/v1/namespaces/${namespace}/pods/${podName}`), "the pod");
  const statuses = [...(found.status?.initContainerStatuses ?? []), ...(found.status?.containerStatuses ?? [])];
  return statuses.some((status) => status.name === container && status.state?.terminated !== undefined);
}

/** Where a log stream stopped: the last line's timestamp, and the lines of that second already shown. */
interface Position {
  timestamp?: string;
  shownAtTimestamp: Set<string>;
}

/** The API's prefix with timestamps=true: RFC 3339, in UTC, to the nanosecond. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** A log line longer than this is shown cut, so that a stream without newlines cannot grow without end. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Streams the container's log from where `position` stopped, passing each new line on. Resolves when
 * the stream ends; rejects when it stalls or drops. Lines carry the API's timestamps (`timestamps=true`),
 * so that a stream opened again with `sinceTime` (whole seconds) shows no line twice.
 */
async function streamLog(
  api: Pick<KubernetesApi, "open">,
  path: string,
  position: Position,
  onLine: (text: string) => void,
  limits: WatchLimits,
  signal?: AbortSignal,
): Promise<void> {
  const since = position.timestamp ? `&sinceTime=${encodeURIComponent(position.timestamp.replace(/\.\d+Z$/, "Z"))}` : "";
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ((stalled = true), controller.abort()), limits.stallMs);
  };
  try {
    arm();
    const response = await api.open(`${path}&follow=true&timestamps=true${since}`, {
      signal: controller.signal,
      timeoutMs: limits.requestTimeoutMs,
    });
    let rest = "";
    // Only the lines a stream opened again repeats are skipped: those up to where the last one stopped.
    let resumedAt = position.timestamp;
    const take = (text: string) => {
      const space = text.indexOf(" ");
      const timestamp = space > 0 && TIMESTAMP.test(text.slice(0, space)) ? text.slice(0, space) : undefined;
      const line = timestamp ? text.slice(space + 1) : text;
      if (timestamp && resumedAt) {
        if (timestamp < resumedAt || (timestamp === resumedAt && position.shownAtTimestamp.has(line))) return;
        if (timestamp > resumedAt) resumedAt = undefined;
      }
      if (timestamp) {
        if (timestamp !== position.timestamp) position.shownAtTimestamp = new Set();
        position.timestamp = timestamp;
        position.shownAtTimestamp.add(line);
      }
      onLine(line);
    };
    await new Promise<void>((resolve, reject) => {
      response.body.on("data", (chunk: Buffer) => {
        arm();
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop() ?? "";
        if (rest.length > MAX_LINE_CHARS) {
          lines.push(`${rest.slice(0, MAX_LINE_CHARS)}… (a line of more than ${MAX_LINE_CHARS} characters, cut)`);
          rest = "";
        }
        for (const text of lines) if (text !== "") take(text.replace(/\r$/, ""));
      });
      response.body.on("end", () => (rest !== "" && take(rest), resolve()));
      response.body.on("error", reject);
    });
  } catch (error) {
    if (stalled) throw new Error(`no log line for ${limits.stallMs / 1000} s`);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/**
 * Follows the Job's replay: its aiperf container's log, line by line, through dropped and stalled
 * streams, then waits for the Job's outcome. A progress line becomes `progress`, any other `line`.
 */
export async function watchJob(
  api: Pick<KubernetesApi, "json" | "open">,
  namespace: string,
  name: string,
  events: WatchEvents,
  limits: WatchLimits = DEFAULT_WATCH_LIMITS,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  const position: Position = { shownAtTimestamp: new Set() };
  let failures = 0;
  const onLine = (text: string) => {
    failures = 0;
    const progress = parseProgressLine(text);
    if (progress) events.progress(progress);
    else events.line(text);
  };
  let logDone = false;
  const retry = async (why: string) => {
    failures++;
    if (failures > limits.maxRetries) {
      throw new UserError(`gave up after ${limits.maxRetries} tries in a row (last: ${why}); the Job itself runs on`);
    }
    events.notice(`${why}; trying again in ${limits.retryMs / 1000} s (${failures})`);
    await sleep(limits.retryMs, signal);
  };
  while (!signal?.aborted) {
    try {
      const outcome = await jobOutcome(api, namespace, name);
      const podName = logDone ? undefined : await newestJobPod(api, namespace, name);
      if (!logDone && podName) {
        const path = `/api/v1/namespaces/${namespace}/pods/${podName}/log?container=aiperf`;
        try {
          await streamLog(api, path, position, onLine, limits, signal);
          if (await containerEnded(api, namespace, podName, "aiperf")) logDone = true;
          else await retry("the log stream ended while the replay runs");
          continue;
        } catch (error) {
          if (error instanceof ApiStatusError && error.status === 400 && !outcome) {
            // "container is waiting to start": the pod is pulling its image or waiting for the graph.
            await retry("the replay has not started yet");
            continue;
          }
          if (signal?.aborted) break;
          if (!(error instanceof ApiStatusError && error.status === 400)) {
            await retry(`the log stream dropped (${(error as Error).message})`);
            continue;
          }
        }
      }
      if (outcome) return outcome;
      failures = 0;
      await sleep(limits.retryMs, signal);
    } catch (error) {
      if (error instanceof UserError) throw error;
      await retry(`the Kubernetes API failed (${(error as Error).message})`);
    }
  }
  throw new UserError("stopped: the Job itself runs on");
}
