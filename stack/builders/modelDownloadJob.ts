import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { StackConfig } from "../config/schema";
import { AWAIT, minutesToSeconds, stackMeta } from "./metadata";
import { HF_HOME } from "./paths";
import { PVC_NAMES } from "./storage";
import { hfTokenSecretName, modelDownloadJobName } from "../config/names";

/**
 * What a mocker reads of the model: its config and tokenizer, with the chat template and the
 * generation defaults (ai-dynamo/dynamo @ 4cba833f, lib/llm/src/hub.rs takes a cached copy with
 * config.json and tokenizer.json; the frontend's chat endpoint reads tokenizer_config.json).
 */
export const TOKENIZER_FILES = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"];

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
                // huggingface_hub 1.x downloads through hf_xet, which it installs itself; this is its fast
                // mode, which replaced hf_transfer (huggingface/huggingface_hub@v1.11.0 constants.py).
                { name: "HF_XET_HIGH_PERFORMANCE", value: "1" },
                { name: "HUGGINGFACE_HUB_VERSION", value: modelDownload.huggingfaceHubVersion },
                // A mocker needs megabytes of the model, not its 65 GB of weights.
                ...(config.workers.engine === "mocker"
                  ? [
                      { name: "MODEL_FILES", value: TOKENIZER_FILES.join(" ") },
                      { name: "MODEL_PART", value: "tokenizer" },
                    ]
                  : []),
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
