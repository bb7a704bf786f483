import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { StackConfig } from "../config/schema";
import { AWAIT, minutesToSeconds, stackMeta } from "./metadata";
import { HF_HOME } from "./paths";
import { PVC_NAMES } from "./storage";
import { hfTokenSecretName, modelDownloadJobName } from "./names";

/** The Job that downloads the model once into the model cache, running `script` (model-download.sh). */
export function buildModelDownloadJob(config: StackConfig, script: string): IJob {
  const name = modelDownloadJobName(config);
  const { modelDownload, model } = config;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: stackMeta(config, name, {
      [AWAIT.timeoutSeconds]: minutesToSeconds(modelDownload.timeoutMinutes),
      // A failed Job is replaced by the next `pulumi up`, with no manual delete.
      [AWAIT.replaceUnready]: "true",
    }),
    spec: {
      backoffLimit: modelDownload.backoffLimit,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": name } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "model-download",
              image: modelDownload.image,
              command: ["sh", "-c"],
              args: [script],
              envFrom: [{ secretRef: { name: hfTokenSecretName(config) } }],
              env: [
                { name: "MODEL_NAME", value: model.name },
                { name: "MODEL_REVISION", value: model.revision },
                { name: "HF_HOME", value: HF_HOME },
                { name: "HF_HUB_ENABLE_HF_TRANSFER", value: "1" },
                { name: "HUGGINGFACE_HUB_VERSION", value: modelDownload.huggingfaceHubVersion },
                { name: "HF_TRANSFER_VERSION", value: modelDownload.hfTransferVersion },
              ],
              volumeMounts: [{ name: PVC_NAMES.modelCache, mountPath: HF_HOME }],
            },
          ],
          volumes: [{ name: PVC_NAMES.modelCache, persistentVolumeClaim: { claimName: PVC_NAMES.modelCache } }],
        },
      },
    },
  };
}
