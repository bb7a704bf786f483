import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../projectRoot";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { StackConfig } from "../config/schema";
import { stackMeta } from "./metadata";
import { summaryBundle } from "./summaryBundle";
import { benchmarkScriptsName } from "./names";

export const BENCHMARK_SCRIPT = join(PROJECT_ROOT, "builders", "scripts", "benchmark.py");
export const SCRIPTS_MOUNT = "/dynamo-bench";

/** The benchmark Job's two programs: the Python entrypoint beside aiperf, and the bundled summarizer. */
export function buildBenchmarkScripts(config: StackConfig): IConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: stackMeta(config, benchmarkScriptsName(config)),
    data: {
      "benchmark.py": readFileSync(BENCHMARK_SCRIPT, "utf8"),
      "summarize.js": summaryBundle(),
    },
  };
}
