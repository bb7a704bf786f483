import { totalGpus, type StackConfig } from "./config/schema";
import { FRONTEND_PORT, frontendServiceName, frontendUrl } from "./builders/dynamoGraph";
import { PVC_NAMES } from "./builders/storage";

/** What a user needs after `pulumi up`, derived from the config alone so render and tests see the same. */
export function stackSummary(config: StackConfig) {
  const context = config.kubeContext ? ` --context ${config.kubeContext}` : "";
  return {
    namespace: config.namespace,
    graphName: config.graph.name,
    frontendServiceName: frontendServiceName(config),
    frontendUrl: frontendUrl(config),
    portForwardCommand: `kubectl port-forward${context} -n ${config.namespace} svc/${frontendServiceName(config)} ${FRONTEND_PORT}:${FRONTEND_PORT}`,
    pvcNames: Object.values(PVC_NAMES),
    totalGpus: totalGpus(config),
  };
}
