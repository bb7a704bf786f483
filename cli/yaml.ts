import yaml from "js-yaml";

const LEADING_KEYS = ["apiVersion", "kind", "metadata"];

/** kubectl's order: the type and metadata first, then the rest alphabetically, at every level. */
function compareKeys(a: string, b: string): number {
  const rankA = LEADING_KEYS.indexOf(a);
  const rankB = LEADING_KEYS.indexOf(b);
  if (rankA !== rankB) return (rankA === -1 ? LEADING_KEYS.length : rankA) - (rankB === -1 ? LEADING_KEYS.length : rankB);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One manifest as YAML with a stable key order and no folded lines, so that diffs stay readable. */
export function manifestYaml(object: unknown): string {
  return yaml.dump(object, { sortKeys: compareKeys, lineWidth: -1, noRefs: true });
}
