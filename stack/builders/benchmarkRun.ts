import { createHash } from "node:crypto";
import type { StackConfig } from "../config/schema";
import { PVC_NAMES } from "./storage";
import { quote } from "shell-quote";
import { kubectlCommand, shellCommand, type RawShell } from "../config/shellCommands";

/** Which run of which stack: every run has its own id, and so its own directory. */
export interface BenchmarkRunRef {
  stack: string;
  runId: string;
}

/** What `render` shows where `pulumi up` puts the run id it draws. */
export const RENDER_RUN_ID = "run-id";

export const PERF_CACHE_MOUNT = "/perf-cache";
export const TRACE_PATH = `${PERF_CACHE_MOUNT}/traces/conversation_trace.jsonl`;

/** Where the run's artifacts go, relative to the perf-cache volume. */
export function artifactPath(run: BenchmarkRunRef): string {
  return `artifacts/${run.stack}/${run.runId}`;
}

/** Where the post-run hook writes the summary on the user's machine, relative to the project. */
export function localResultsPath(run: BenchmarkRunRef): string {
  return `results/${run.stack}/${run.runId}`;
}

/** A command that copies a run's full artifacts out of the perf-cache volume, with no pod left running. */
export function artifactRetrievalCommand(config: StackConfig, run: BenchmarkRunRef): string {
  const overrides = JSON.stringify({
    spec: {
      volumes: [{ name: "perf-cache", persistentVolumeClaim: { claimName: PVC_NAMES.perfCache, readOnly: true } }],
      containers: [
        {
          name: "fetch",
          image: "busybox:1.36",
          command: ["tar", "cf", "-", "-C", `${PERF_CACHE_MOUNT}/${artifactPath(run)}`, "."],
          volumeMounts: [{ name: "perf-cache", mountPath: PERF_CACHE_MOUNT, readOnly: true }],
        },
      ],
    },
  });
  const into = `${localResultsPath(run)}/artifacts`;
  const fetch = kubectlCommand(
    config,
    run.stack,
    "run",
    `dynamo-bench-fetch-${run.runId}`,
    "--rm",
    "-i",
    "--quiet",
    "--restart=Never",
    "--image=busybox:1.36",
    `--overrides=${overrides}`,
  );
  return `${shellCommand("mkdir", "-p", into)} && ${fetch} | ${shellCommand("tar", "xf", "-", "-C", into)}`;
}

/**
 * `dynamo-bench results pull` for one run: its summary and artifacts from the perf-cache volume into
 * results/<stack>/<run-id>/, with no kubectl. The command reads the stack's kubeContext itself, except
 * a secret one, which it is given from the stack when it runs and which is never printed.
 */
export function resultsPullCommand(config: Pick<StackConfig, "kubeContext" | "secretKeys">, run: BenchmarkRunRef): string {
  const context: RawShell[] =
    config.kubeContext && config.secretKeys.includes("kubeContext")
      ? [{ raw: `--context "$(pulumi config get -s ${quote([run.stack])} kubeContext)"` }]
      : [];
  return shellCommand("npx", "dynamo-bench", "results", "pull", "-s", run.stack, "--run", run.runId, ...context);
}

/**
 * A digest of what a benchmark run measures: the graph and the benchmark settings. The run id is
 * drawn anew whenever it changes, so a changed deployment never writes into an earlier run's place.
 */
export function benchmarkFingerprint(measured: unknown): string {
  return createHash("sha256").update(JSON.stringify(measured)).digest("hex").slice(0, 16);
}
