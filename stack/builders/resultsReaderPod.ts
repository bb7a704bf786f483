import type { IPod } from "kubernetes-models/v1/Pod";
import { PROJECT, type StackConfig } from "../config/schema";
import { PVC_NAMES } from "./storage";
import { PERF_CACHE_MOUNT } from "./benchmarkRun";

/** The port the reader serves on, inside its pod; reached only through the API server's pod proxy. */
export const RESULTS_READER_PORT = 8080;

/** The labels that mark a reader pod, so that `results` can find one an earlier command left. */
export const RESULTS_READER_LABELS = { "app.kubernetes.io/part-of": PROJECT, "app.kubernetes.io/component": "results-reader" } as const;

/** The stack whose artifacts a reader pod serves: an annotation, since a stack name need not be a valid label value. */
export const RESULTS_READER_STACK_ANNOTATION = `${PROJECT}/stack`;

export interface ResultsReaderPodArgs {
  podName: string;
  stack: string;
  /** The pod ends itself after this long, whatever happens to the command that made it. */
  deadlineSeconds: number;
  /** stack/builders/scripts/results-reader.py, as text. */
  script: string;
}

/** The stack's artifacts on the perf-cache volume: artifacts/<stack>/<run-id>/ (artifactPath). */
export function stackArtifactsDir(stack: string): string {
  return `${PERF_CACHE_MOUNT}/artifacts/${stack}`;
}

/**
 * A pod that serves one stack's benchmark artifacts read-only over HTTP, for `results pull` and
 * `results list`. It runs the benchmark Job's own image, already pulled on the nodes and with
 * python3, and mounts the perf-cache claim read-only, so that it can change nothing a run left.
 */
export function buildResultsReaderPod(config: StackConfig, args: ResultsReaderPodArgs): IPod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: args.podName,
      namespace: config.namespace,
      labels: { ...RESULTS_READER_LABELS },
      annotations: { [RESULTS_READER_STACK_ANNOTATION]: args.stack },
    },
    spec: {
      restartPolicy: "Never",
      activeDeadlineSeconds: args.deadlineSeconds,
      terminationGracePeriodSeconds: 1,
      // It needs no access to the API: it only reads the volume.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: "reader",
          image: config.benchmark.image,
          command: [
            "python3",
            "-B",
            "-c",
            args.script,
            stackArtifactsDir(args.stack),
            String(RESULTS_READER_PORT),
            // The pod proxy connects to the pod's IP, so it cannot listen on 127.0.0.1 alone.
            "0.0.0.0",
          ],
          ports: [{ name: "http", containerPort: RESULTS_READER_PORT }],
          readinessProbe: { httpGet: { path: "/healthz", port: RESULTS_READER_PORT }, periodSeconds: 1, failureThreshold: 3 },
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          volumeMounts: [{ name: PVC_NAMES.perfCache, mountPath: PERF_CACHE_MOUNT, readOnly: true }],
        },
      ],
      volumes: [{ name: PVC_NAMES.perfCache, persistentVolumeClaim: { claimName: PVC_NAMES.perfCache, readOnly: true } }],
    },
  };
}
