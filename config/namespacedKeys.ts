import { PROJECT, SECRET_SET } from "./schema";

export const SECRET_KEYS = ["hfToken"] as const;

/**
 * Keeps the `dynamo-bench:` keys of a stack's config, without the prefix. Other namespaces
 * (`kubernetes:`, `pulumi:`) belong to Pulumi and its providers. Secret values are replaced
 * by a marker, so that no secret ever reaches the validated config.
 */
export function projectKeys(
  entries: Iterable<[string, unknown]>,
  isSecretKey: (key: string, value: unknown) => boolean,
): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [key, value] of entries) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    raw[name] = isSecretKey(name, value) ? SECRET_SET : value;
  }
  return raw;
}
