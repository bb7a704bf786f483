import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { hfTokenFromPulumi, stackConfigFromPulumi } from "./config/pulumiConfig";
import { ConfigError, configWarnings, type StackConfig } from "./config/schema";
import { buildStackObjects } from "./builders/stackObjects";
import { HF_TOKEN_KEY } from "./builders/hfTokenSecret";
import { SharedStorage } from "./components/sharedStorage";
import { ModelDownload } from "./components/modelDownload";
import { DynamoGraph } from "./components/dynamoGraph";
import { stackSummary } from "./outputs";

function loadConfig(): StackConfig {
  try {
    return stackConfigFromPulumi();
  } catch (error) {
    // RunError ends preview and up with the message alone, before anything is applied.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const config = loadConfig();
for (const warning of configWarnings(config)) pulumi.log.warn(warning);

const objects = buildStackObjects(config);
const cluster = new k8s.Provider("cluster", { context: config.kubeContext });

const storage = new SharedStorage("storage", {
  claims: objects.persistentVolumeClaims,
  kubeContext: config.kubeContext,
  deleteModelCache: config.onDestroy.deleteModelCache,
  deleteResults: config.onDestroy.deleteResults,
});

const hfTokenSecret =
  objects.hfTokenSecret &&
  new k8s.core.v1.Secret(
    objects.hfTokenSecret.metadata!.name!,
    { ...objects.hfTokenSecret, stringData: { [HF_TOKEN_KEY]: hfTokenFromPulumi() } },
    { provider: cluster },
  );

const modelDownload = new ModelDownload(
  "model-download",
  { job: objects.modelDownloadJob },
  { providers: [cluster], dependsOn: [storage, ...(hfTokenSecret ? [hfTokenSecret] : [])] },
);

const dynamoGraph = new DynamoGraph(
  "dynamo-graph",
  { graph: objects.dynamoGraph },
  { providers: [cluster], dependsOn: [modelDownload] },
);

const summary = stackSummary(config);
export const namespace = summary.namespace;
export const graphName = dynamoGraph.graph.metadata.name;
export const frontendServiceName = summary.frontendServiceName;
export const frontendUrl = summary.frontendUrl;
export const portForwardCommand = summary.portForwardCommand;
export const pvcNames = storage.claimNames;
export const totalGpus = summary.totalGpus;
