import type { ISecret } from "kubernetes-models/v1/Secret";
import type { StackConfig } from "../config/schema";
import { stackMeta } from "./metadata";

export const HF_TOKEN_KEY = "HF_TOKEN";
export const RECIPE_HF_TOKEN_SECRET = "hf-token-secret";

/** What stands in the Secret wherever it is shown; the component puts the real token in. */
export const REDACTED_TOKEN = "<redacted: Pulumi secret dynamo-bench:hfToken>";

/**
 * The Secret the pods read HF_TOKEN from. A stack-created Secret is named after the graph, so
 * the two stacks, which share a namespace, each own their own and can be destroyed apart.
 */
export function hfTokenSecretName(config: StackConfig): string {
  if (config.hfToken !== undefined) return `${config.graph.name}-hf-token`;
  return config.hfTokenSecretName ?? RECIPE_HF_TOKEN_SECRET;
}

/** The Secret this stack creates, when the token is in its config; else none. */
export function buildHfTokenSecret(config: StackConfig): ISecret | undefined {
  if (config.hfToken === undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: stackMeta(config, hfTokenSecretName(config)),
    type: "Opaque",
    stringData: { [HF_TOKEN_KEY]: REDACTED_TOKEN },
  };
}
