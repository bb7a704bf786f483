import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { StackConfig } from "../config/schema";
import { stackMeta } from "./metadata";
import type { ClusterScripts } from "./clusterScripts";
import { benchmarkScriptsName } from "../config/names";

export const SCRIPTS_MOUNT = "/dynamo-bench";

/** The benchmark Job's programs: the Python entrypoint beside aiperf, what it observes the run with, and the bundled summarizer. */
export function buildBenchmarkScripts(config: StackConfig, scripts: ClusterScripts): IConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: stackMeta(config, benchmarkScriptsName(config)),
    data: {
      "benchmark.py": scripts.benchmarkPy,
      "observe.py": scripts.observePy,
      "summarize.js": scripts.summarizeJs,
    },
  };
}
