import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/projectRoot";
import type { ClusterScripts } from "./builders/clusterScripts";

const SCRIPTS_DIR = join(PROJECT_ROOT, "stack", "builders", "scripts");

export const CLUSTER_SCRIPT_FILES: Record<keyof ClusterScripts, string> = {
  benchmarkPy: join(SCRIPTS_DIR, "benchmark.py"),
  observePy: join(SCRIPTS_DIR, "observe.py"),
  modelDownloadSh: join(SCRIPTS_DIR, "model-download.sh"),
  summarizeJs: join(SCRIPTS_DIR, "summarize.js"),
};

/** The programs the stack ships to the cluster, read from stack/builders/scripts/. */
export function loadClusterScripts(): ClusterScripts {
  const read = (path: string) => readFileSync(path, "utf8");
  return {
    benchmarkPy: read(CLUSTER_SCRIPT_FILES.benchmarkPy),
    observePy: read(CLUSTER_SCRIPT_FILES.observePy),
    modelDownloadSh: read(CLUSTER_SCRIPT_FILES.modelDownloadSh),
    summarizeJs: read(CLUSTER_SCRIPT_FILES.summarizeJs),
  };
}

export const RESULTS_READER_SCRIPT_FILE = join(SCRIPTS_DIR, "results-reader.py");

/** The program the results reader pod runs (stack/builders/resultsReaderPod.ts), read from stack/builders/scripts/. */
export function loadResultsReaderScript(): string {
  return readFileSync(RESULTS_READER_SCRIPT_FILE, "utf8");
}
