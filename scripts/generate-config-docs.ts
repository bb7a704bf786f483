// Writes the key table of docs/configuration.md from the schema: every key each variant takes, its
// kind and default, and what it does (stack/config/keyDescriptions.ts). `npm test` fails when the table
// is not what this writes.
//
// Usage: npm run docs
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configKeys } from "../stack/config/configKeys";
import { KEY_DESCRIPTIONS } from "../stack/config/keyDescriptions";
import { parseStackConfig } from "../stack/config/stackConfig";
import { VARIANTS } from "../stack/config/schema";
import { PROJECT_ROOT } from "../lib/projectRoot";

export const CONFIG_DOC = join(PROJECT_ROOT, "docs", "configuration.md");
export const BEGIN = "<!-- config-keys: written by scripts/generate-config-docs.ts; do not edit -->";
export const END = "<!-- end of config-keys -->";

function valueAt(config: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

function shown(value: unknown): string {
  if (value === undefined) return "unset";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text.length > 48 ? `${text.slice(0, 47)}…` : text}\``;
}

/** The table, a row per key, in the schema's order. */
export function configKeyTable(): string {
  const defaults = Object.fromEntries(VARIANTS.map((variant) => [variant, parseStackConfig({ variant }, "defaults")]));
  const rows = new Map<string, { kind: string; variants: string[] }>();
  for (const variant of VARIANTS) {
    for (const { path, kind } of configKeys(variant)) {
      const key = path.join(".");
      rows.set(key, { kind, variants: [...(rows.get(key)?.variants ?? []), variant] });
    }
  }
  // In the schema's order: the variant with the most keys sets it (disagg's prefill workers sit beside its decode workers).
  const fullest = [...VARIANTS].sort((a, b) => configKeys(b).length - configKeys(a).length)[0];
  const order = configKeys(fullest).map(({ path }) => path.join("."));
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const lines = ["| key | kind | default | what |", "|---|---|---|---|"];
  for (const [key, { kind, variants }] of [...rows].sort(([a], [b]) => rank(a) - rank(b))) {
    const path = key.split(".");
    const values = variants.map((variant) => shown(valueAt(defaults[variant], path)));
    const only = variants.length < VARIANTS.length ? ` (${variants.join(", ")} only)` : "";
    const defaultText =
      key === "variant"
        ? "(required)"
        : new Set(values).size === 1
          ? values[0] + only
          : values.map((value, i) => `${value} (${variants[i]})`).join(" / ");
    lines.push(`| \`${key}\` | ${kind} | ${defaultText} | ${KEY_DESCRIPTIONS[key] ?? ""} |`);
  }
  return lines.join("\n");
}

/** docs/configuration.md with its key table as this script writes it. */
export function withKeyTable(page: string): string {
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (begin === -1 || end === -1) throw new Error(`${CONFIG_DOC} has no ${BEGIN} … ${END} markers`);
  return `${page.slice(0, begin + BEGIN.length)}\n${configKeyTable()}\n${page.slice(end)}`;
}

if (require.main === module) {
  writeFileSync(CONFIG_DOC, withKeyTable(readFileSync(CONFIG_DOC, "utf8")));
  process.stderr.write(`wrote the key table of ${CONFIG_DOC}\n`);
}
