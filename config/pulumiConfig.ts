import * as pulumi from "@pulumi/pulumi";
import { projectKeys, SECRET_KEYS } from "./namespacedKeys";
import { parseStackConfig, PROJECT, type StackConfig } from "./schema";

/** Pulumi hands the program every value as a string; objects and numbers arrive as JSON. */
function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The validated config of the stack that `pulumi up` or `preview` is running. */
export function stackConfigFromPulumi(): StackConfig {
  const entries = Object.entries(pulumi.runtime.allConfig()).map(([key, value]): [string, unknown] => [key, decode(value)]);
  const raw = projectKeys(entries, (key) => (SECRET_KEYS as readonly string[]).includes(key));
  return parseStackConfig(raw, `Pulumi.${pulumi.getStack()}.yaml`);
}

/** The HF token, as a Pulumi secret; only read when the config says it is set. */
export function hfTokenFromPulumi(): pulumi.Output<string> {
  return new pulumi.Config(PROJECT).requireSecret("hfToken");
}
