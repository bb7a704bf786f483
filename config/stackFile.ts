import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { projectKeys, SECRET_KEYS } from "./namespacedKeys";
import { ConfigError, parseStackConfig, PROJECT, type StackConfig } from "./schema";

function isEncrypted(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}

/**
 * The validated config of a `Pulumi.<stack>.yaml` file, read the way `pulumi up` reads it,
 * for commands that run without the Pulumi CLI (render, simulate).
 */
export function stackConfigFromFile(path: string): StackConfig {
  let document: unknown;
  try {
    document = yaml.load(readFileSync(path, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : (error as Error).message;
    throw new ConfigError(path, [`cannot read the stack file: ${reason}`]);
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(path, ["config: must be a map of keys to values"]);
  }
  const entries = Object.entries(config as Record<string, unknown>);
  const plainSecrets = entries.filter(
    ([key, value]) => SECRET_KEYS.some((secret) => key === `${PROJECT}:${secret}`) && !isEncrypted(value),
  );
  if (plainSecrets.length > 0) {
    throw new ConfigError(
      path,
      plainSecrets.map(
        ([key]) => `${key}: is in plain text; remove it from the file and run \`pulumi config set --secret ${key.slice(PROJECT.length + 1)} <value>\``,
      ),
    );
  }
  return parseStackConfig(projectKeys(entries, (_key, value) => isEncrypted(value)), path);
}
