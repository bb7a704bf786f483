import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { describeFileError } from "./fileErrors";
import { UserError } from "./userError";

/**
 * A pod's own service account token: with it and the API's address in KUBERNETES_SERVICE_HOST, and no
 * kubeconfig, the client talks to the pod's own cluster, as client-go's InClusterConfig does.
 */
const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

const SET_KUBECONFIG = "set KUBECONFIG to your cluster's kubeconfig file, or put it at ~/.kube/config";

const quotedNames = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(", ");

/** The files the kubeconfig is read from, as kubectl looks for them: KUBECONFIG's list, else ~/.kube/config; [] in a pod. */
function kubeconfigFiles(findHomeDir: () => string | null): string[] {
  const listed = (process.env.KUBECONFIG ?? "").split(delimiter).filter((file) => file !== "");
  if (listed.length > 0) {
    for (const file of listed) {
      if (!existsSync(file)) throw new UserError(`KUBECONFIG names ${file}, which does not exist: ${SET_KUBECONFIG}`);
    }
    return listed;
  }
  const home = findHomeDir();
  const file = home === null ? undefined : join(home, ".kube", "config");
  if (file !== undefined && existsSync(file)) return [file];
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) return [];
  // With none of these, @kubernetes/client-node 1.3.0 falls back to http://localhost:8080 (dist/config.js,
  // loadFromDefault), which its own TLS rule then refuses at the first request.
  const looked = file === undefined ? "HOME names no readable directory" : `there is no ${file}`;
  throw new UserError(`no kubeconfig: KUBECONFIG is not set and ${looked}; ${SET_KUBECONFIG}`);
}

/**
 * The user's kubeconfig in the context a command talks to (`kubeContext`, else the current one), or
 * one line that says what is missing from it and how to fix it, before any request is sent.
 */
export async function loadUserKubeconfig(kubeContext: string | undefined): Promise<KubeConfig> {
  // Loaded here so that preview, render and the tests that never reach a cluster never pay for the client.
  const k8s = await import("@kubernetes/client-node");
  const files = kubeconfigFiles(() => k8s.findHomeDir());
  const shown = files.length === 0 ? "the pod's service account" : files.join(delimiter);
  const kubeConfig = new k8s.KubeConfig();
  try {
    kubeConfig.loadFromDefault();
  } catch (error) {
    const reason = describeFileError(error).split("\n")[0];
    throw new UserError(`cannot read the kubeconfig ${shown}: ${reason}; fix it, or ${SET_KUBECONFIG}`);
  }
  const contexts = kubeConfig.getContexts().map((context) => context.name);
  if (contexts.length === 0) {
    throw new UserError(
      `the kubeconfig ${shown} has no context: add your cluster's (\`kubectl config set-context\`), or ${SET_KUBECONFIG}`,
    );
  }
  const context = kubeContext ?? kubeConfig.getCurrentContext();
  if (!contexts.includes(context)) {
    const it = kubeContext === undefined ? "sets no current context" : `has no context ${JSON.stringify(kubeContext)}`;
    throw new UserError(`the kubeconfig ${shown} ${it}; it has ${quotedNames(contexts)}: pass --context with one of them`);
  }
  kubeConfig.setCurrentContext(context);
  const clusterName = kubeConfig.getContextObject(context)?.cluster;
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new UserError(
      `context ${JSON.stringify(context)} of the kubeconfig ${shown} names cluster ${JSON.stringify(clusterName ?? "")}, ` +
        "which the kubeconfig does not define: fix the context, or pass --context with another",
    );
  }
  // @kubernetes/client-node 1.3.0 refuses a plain-HTTP server unless TLS verification is off (dist/config.js, createAgent).
  if (cluster.server.startsWith("http:") && !cluster.skipTLSVerify) {
    throw new UserError(
      `cluster ${JSON.stringify(cluster.name)} of the kubeconfig ${shown} has the plain-HTTP server ${cluster.server}, ` +
        "which the Kubernetes client refuses: give its https:// address, or pass --context with another",
    );
  }
  // The legacy gcp and azure auth-providers run their command with execSync (client-node
  // dist/gcp_auth.js, azure_auth.js), which blocks the event loop, so no deadline could end it.
  if (kubeConfig.getCurrentUser()?.authProvider?.config?.["cmd-path"]) {
    throw new UserError(
      "the kubeconfig's user runs a legacy auth-provider command (cmd-path), which cannot be time-limited; " +
        "use an exec credential plugin (such as gke-gcloud-auth-plugin or kubelogin)",
    );
  }
  return kubeConfig;
}
