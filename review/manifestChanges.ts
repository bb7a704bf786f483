import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import diff from "microdiff";
import { UserError } from "../userError";

interface Manifest {
  kind: string;
  name: string;
  object: Record<string, unknown>;
}

/** One stack's rendered objects, by `<Kind> <name>`. */
type ManifestSet = Map<string, Manifest>;

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface StackChanges {
  stack: string;
  added: string[];
  removed: string[];
  changed: { object: string; fields: FieldChange[] }[];
}

function readManifestSet(dir: string): ManifestSet {
  const set: ManifestSet = new Map();
  if (!existsSync(dir)) return set;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    for (const document of yaml.loadAll(readFileSync(join(dir, file), "utf8"))) {
      const object = document as { kind?: string; metadata?: { name?: string } } | null;
      if (!object?.kind || !object.metadata?.name) continue;
      set.set(`${object.kind} ${object.metadata.name}`, { kind: object.kind, name: object.metadata.name, object: object as Record<string, unknown> });
    }
  }
  return set;
}

/** The stacks of a render: its subdirectories (manifests/agg, manifests/disagg), or the directory itself. */
function readStacks(root: string): Map<string, ManifestSet> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UserError(`${root}: no such directory`);
  const subdirs = readdirSync(root).filter((entry) => statSync(join(root, entry)).isDirectory());
  if (subdirs.length === 0) return new Map([[".", readManifestSet(root)]]);
  return new Map(subdirs.map((stack) => [stack, readManifestSet(join(root, stack))]));
}

function fieldPath(path: (string | number)[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** What changed between two renders, object by object and field by field. */
export function manifestChanges(baseRoot: string, headRoot: string): StackChanges[] {
  const base = readStacks(baseRoot);
  const head = readStacks(headRoot);
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
  return stacks.map((stack) => {
    const before = base.get(stack) ?? new Map();
    const after = head.get(stack) ?? new Map();
    const changes: StackChanges = { stack, added: [], removed: [], changed: [] };
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const old = before.get(key);
      const current = after.get(key);
      if (!old) changes.added.push(key);
      else if (!current) changes.removed.push(key);
      else {
        const fields = diff(old.object, current.object).map((d) => ({
          path: fieldPath(d.path),
          ...(d.type !== "CREATE" && { before: d.oldValue }),
          ...(d.type !== "REMOVE" && { after: d.value }),
        }));
        if (fields.length > 0) changes.changed.push({ object: key, fields });
      }
    }
    return changes;
  });
}
