import type { ISecret } from "kubernetes-models/v1/Secret";
import type { StackConfig } from "../config/schema";
import { stackMeta } from "./metadata";
import { hfTokenSecretName } from "../config/names";

export const HF_TOKEN_KEY = "HF_TOKEN";

/** What stands in the Secret wherever it is shown; the component puts the real token in. */
export const REDACTED_TOKEN = "<redacted: Pulumi secret dynamo-bench:hfToken>";

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
