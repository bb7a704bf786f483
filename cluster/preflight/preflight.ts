import type { KubernetesApi } from "../../lib/kubernetesApi";
import { UserError } from "../../lib/userError";
import {
  apiProblem,
  checkApiServer,
  checkHfTokenSecret,
  checkNamespace,
  checkNodes,
  checkOperator,
  checkOtherGraphs,
  checkStorage,
} from "./checks";
import type { CheckResult } from "./checks";
import type { StackNeeds } from "./stackNeeds";

/**
 * Every check, read-only: the API server first, since the others need it; then the rest at once. A
 * kubeconfig that cannot be used (none, no such context) is the user's to fix before any check can run:
 * its UserError ends the command with one line, as it does every other command that reaches the cluster.
 */
export async function runPreflight(
  openApi: () => Promise<KubernetesApi>,
  needs: StackNeeds,
  pulumiCli: () => Promise<CheckResult>,
): Promise<CheckResult[]> {
  const pulumi = pulumiCli();
  let api: KubernetesApi;
  try {
    api = await openApi();
  } catch (error) {
    if (error instanceof UserError) throw error;
    return [
      {
        check: "API server",
        outcome: "fail",
        found: `cannot use the kubeconfig: ${apiProblem(error)}`,
        fix: "check KUBECONFIG and the context",
      },
      await pulumi,
    ];
  }
  const reachable = await checkApiServer(api);
  if (reachable.outcome === "fail") return [reachable, await pulumi];
  const rest = await Promise.all([
    checkOperator(api, needs),
    checkNodes(api, needs),
    checkStorage(api, needs),
    checkNamespace(api, needs),
    checkHfTokenSecret(api, needs),
    checkOtherGraphs(api, needs),
  ]);
  return [reachable, ...rest.flat(), await pulumi];
}

export function preflightPassed(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.outcome !== "fail");
}
