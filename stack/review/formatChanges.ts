import type { FieldChange, StackChanges } from "./manifestChanges";
import { shortBundleIdentity } from "./reviewForm";

const SHORT = 60;

/** A value as a reviewer reads it: short scalars as they are, long or multi-line text summarized. */
function shown(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (typeof value === "string" && value.includes("\n")) return `(${value.split("\n").length} lines)`;
  const bundle = typeof value === "string" ? shortBundleIdentity(value) : undefined;
  if (bundle) return bundle;
  return text.length > SHORT ? `${text.slice(0, SHORT - 1)}…` : text;
}

function fieldLine(field: FieldChange, code: (text: string) => string): string {
  if (!("before" in field)) return `${code(field.path)} added: ${shown(field.after)}`;
  if (!("after" in field)) return `${code(field.path)} removed (was ${shown(field.before)})`;
  return `${code(field.path)} ${shown(field.before)} → ${shown(field.after)}`;
}

function stackTitle(changes: StackChanges): string {
  const { added, removed, changed } = changes;
  const counts = [
    added.length && `${added.length} added`,
    changed.length && `${changed.length} changed`,
    removed.length && `${removed.length} removed`,
  ].filter(Boolean);
  return `${changes.stack === "." ? "manifests" : changes.stack}: ${counts.length ? counts.join(", ") : "no changes"}`;
}

export function hasChanges(stacks: StackChanges[]): boolean {
  return stacks.some((s) => s.added.length + s.removed.length + s.changed.length > 0);
}

/** A compact summary: objects added, changed and removed, with the changed fields. */
export function changesMarkdown(stacks: StackChanges[]): string {
  const code = (text: string) => `\`${text}\``;
  const lines = ["### Kubernetes objects this pull request changes", ""];
  if (!hasChanges(stacks)) return `${lines.join("\n")}No changes to the rendered manifests.\n`;
  for (const stack of stacks) {
    lines.push(`**${stackTitle(stack)}**`, "");
    if (stack.added.length + stack.removed.length + stack.changed.length === 0) continue;
    for (const object of stack.added) lines.push(`- added ${code(object)}`);
    for (const object of stack.removed) lines.push(`- removed ${code(object)}`);
    for (const { object, fields } of stack.changed) {
      lines.push(`- changed ${code(object)}`);
      for (const field of fields) lines.push(`  - ${fieldLine(field, code)}`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}

export function changesText(stacks: StackChanges[]): string {
  if (!hasChanges(stacks)) return "No changes to the rendered manifests.\n";
  const lines: string[] = [];
  for (const stack of stacks) {
    lines.push(stackTitle(stack));
    for (const object of stack.added) lines.push(`  + ${object}`);
    for (const object of stack.removed) lines.push(`  - ${object}`);
    for (const { object, fields } of stack.changed) {
      lines.push(`  ~ ${object}`);
      for (const field of fields) lines.push(`      ${fieldLine(field, (t) => t)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
