import * as pulumi from "@pulumi/pulumi";
import { PROJECT, type StackConfig } from "./schema";
import { readStackConfig, type ConfigEntry } from "./stackConfig";

/**
 * Whether the engine marked a key secret (PULUMI_CONFIG_SECRET_KEYS). @pulumi/pulumi 3.248.0 has
 * this in runtime/config.js but marks it internal, so its typings leave it out; a test checks
 * that it is there, and without it the program stops rather than treat every key as plain text.
 */
function isConfigSecret(key: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (typeof check !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret; update stack/config/pulumiConfig.ts");
  return check(key);
}

/**
 * The stack's config as the engine hands it over: every value as text, an object as JSON
 * (pulumi/pulumi sdk/go/common/resource/config/plaintext.go `marshalText`), secrets decrypted and
 * named in PULUMI_CONFIG_SECRET_KEYS.
 */
export function pulumiConfigEntries(): ConfigEntry[] {
  return Object.entries(pulumi.runtime.allConfig()).map(([key, text]) => ({ key, text, secret: isConfigSecret(key) }));
}

/** The validated config of the stack that `pulumi up` or `preview` is running. */
export function stackConfigFromPulumi(): StackConfig {
  const stack = pulumi.getStack();
  return readStackConfig({ description: `Pulumi.${stack}.yaml`, stack, entries: pulumiConfigEntries() });
}

/** The HF token, as a Pulumi secret; only read when the config says it is set. */
export function hfTokenFromPulumi(): pulumi.Output<string> {
  return new pulumi.Config(PROJECT).requireSecret("hfToken");
}
