import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { StackConfig } from "../config/schema";
import { AWAIT, minutesToSeconds, ownedByStack, stackMeta } from "./metadata";
import { HF_HOME } from "./paths";
import { PVC_NAMES } from "./storage";
import { frontendUrl } from "./dynamoGraph";
import { SCRIPTS_MOUNT } from "./benchmarkScripts";
import { artifactPath, PERF_CACHE_MOUNT, TRACE_PATH, type BenchmarkRunRef } from "./benchmarkRun";
import { benchmarkAccessName, benchmarkJobName, benchmarkScriptsName } from "../config/names";

/** The summary container's command: report whatever aiperf left, then fail the Job if aiperf failed. */
const SUMMARY_COMMAND = [
  `node ${SCRIPTS_MOUNT}/summarize.js "$ARTIFACT_DIR" "$GOODPUT" || echo "no summary; the artifacts are in $ARTIFACT_DIR"`,
  'exit "$(cat "$ARTIFACT_DIR/aiperf-exit-code" 2>/dev/null || echo 1)"',
].join("\n");

/** benchmark.py records an exit code whatever happens, a failed install included, and exits 0: the summary step always runs. */
const AIPERF_COMMAND = [
  "export STARTED_AT=$(date +%s)",
  'pip install --no-cache-dir "aiperf==$AIPERF_VERSION" || echo "could not install aiperf $AIPERF_VERSION"',
  `exec python3 ${SCRIPTS_MOUNT}/benchmark.py`,
].join("\n");

/**
 * aiperf is stopped this long before the Job's deadline, which would kill the pod, summary step
 * and all: two minutes for aiperf to write what it recorded, and the rest for the summary.
 */
/** The operator's DYN_SYSTEM_PORT for workers (deploy/operator/internal/consts/consts.go:20-21, at 1.3, 1.4 and 1.5-dev). */
export const WORKER_SYSTEM_PORT = 9090;
/** How often the workers' metrics are scraped between the start and the end of the replay. */
export const SERVER_METRICS_INTERVAL_SECONDS = 300;

export function summaryReserveSeconds(activeDeadlineMinutes: number): number {
  return Math.min(600, Math.floor((activeDeadlineMinutes * 60) / 4));
}

export function buildBenchmarkJob(config: StackConfig, run: BenchmarkRunRef): IJob {
  const { benchmark, model } = config;
  const name = benchmarkJobName(config, run.runId);
  const artifactDir = `${PERF_CACHE_MOUNT}/${artifactPath(run)}`;
  const awaitAnnotations: Record<string, string> = benchmark.wait
    ? { [AWAIT.timeoutSeconds]: minutesToSeconds(benchmark.waitTimeoutMinutes) }
    : { [AWAIT.skipAwait]: "true" };
  const perfCacheMount = { name: PVC_NAMES.perfCache, mountPath: PERF_CACHE_MOUNT };
  const scriptsMount = { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true };
  return ownedByStack(
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: stackMeta(config, name, awaitAnnotations),
      spec: {
        backoffLimit: benchmark.backoffLimit,
        activeDeadlineSeconds: benchmark.activeDeadlineMinutes * 60,
        template: {
          metadata: { labels: { "app.kubernetes.io/name": name, "dynamo-bench/run-id": run.runId } },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: benchmarkAccessName(config),
            // Init containers run in order: aiperf replays the trace, then the summary container reports it.
            initContainers: [
              {
                name: "aiperf",
                image: benchmark.image,
                command: ["sh", "-c", AIPERF_COMMAND],
                env: [
                  { name: "AIPERF_VERSION", value: benchmark.aiperfVersion },
                  { name: "MODEL_NAME", value: model.name },
                  { name: "TOKENIZER_REVISION", value: model.revision },
                  { name: "FRONTEND_URL", value: frontendUrl(config) },
                  { name: "READY_TIMEOUT_SECONDS", value: minutesToSeconds(benchmark.readyTimeoutMinutes) },
                  { name: "TRACE_URL", value: benchmark.traceUrl },
                  { name: "TRACE_SHA256", value: benchmark.traceSha256 },
                  { name: "TRACE_PATH", value: TRACE_PATH },
                  { name: "ARTIFACT_DIR", value: artifactDir },
                  {
                    name: "RUN_TIME_LIMIT_SECONDS",
                    value: String(benchmark.activeDeadlineMinutes * 60 - summaryReserveSeconds(benchmark.activeDeadlineMinutes)),
                  },
                  { name: "GOODPUT", value: benchmark.goodput },
                  ...(benchmark.fixedScheduleEndOffsetMs !== undefined
                    ? [{ name: "FIXED_SCHEDULE_END_OFFSET_MS", value: String(benchmark.fixedScheduleEndOffsetMs) }]
                    : []),
                  { name: "GRAPH_NAME", value: config.graph.name },
                  { name: "POD_NAMESPACE", value: config.namespace },
                  // The port the operator gives every worker's system server, which serves /metrics
                  // (ai-dynamo/dynamo@4cba833f deploy/operator/internal/dynamo/component_worker.go:82-94).
                  { name: "WORKER_METRICS_PORT", value: String(WORKER_SYSTEM_PORT) },
                  { name: "SCRAPE_SECONDS", value: String(SERVER_METRICS_INTERVAL_SECONDS) },
                  { name: "HF_HOME", value: HF_HOME },
                  // The tokenizer comes from the downloaded model, never from the hub.
                  { name: "HF_HUB_OFFLINE", value: "1" },
                ],
                resources: {
                  requests: { cpu: benchmark.cpu, memory: benchmark.memory },
                  limits: { cpu: benchmark.cpuLimit, memory: benchmark.memoryLimit },
                },
                volumeMounts: [perfCacheMount, { name: PVC_NAMES.modelCache, mountPath: HF_HOME, readOnly: true }, scriptsMount],
              },
            ],
            containers: [
              {
                name: "summary",
                image: benchmark.summaryImage,
                command: ["sh", "-c", SUMMARY_COMMAND],
                env: [
                  { name: "ARTIFACT_DIR", value: artifactDir },
                  { name: "GOODPUT", value: benchmark.goodput },
                ],
                resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
                volumeMounts: [perfCacheMount, scriptsMount],
              },
            ],
            volumes: [
              { name: PVC_NAMES.perfCache, persistentVolumeClaim: { claimName: PVC_NAMES.perfCache } },
              { name: PVC_NAMES.modelCache, persistentVolumeClaim: { claimName: PVC_NAMES.modelCache, readOnly: true } },
              { name: "scripts", configMap: { name: benchmarkScriptsName(config) } },
            ],
          },
        },
      },
    },
    run.stack,
  );
}
