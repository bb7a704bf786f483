import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import yaml from "js-yaml";
import diff from "microdiff";
import { UserError } from "../../lib/userError";
import { notASearchableDirectory, readRegularFile } from "../../lib/regularFile";
import { countValues } from "../../lib/yamlExpansion";
import { MAX_MANIFEST_BYTES, MAX_MANIFEST_VALUES } from "./manifestFiles";

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

// What `kubectl apply -f <dir>` applies: an object in any of them would reach the cluster, so none is passed over.
const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

function readManifestSet(dir: string): ManifestSet {
  const set: ManifestSet = new Map();
  const files = new Map<string, string>();
  for (const file of readdirSync(dir)
    .filter((f) => MANIFEST_EXTENSIONS.some((extension) => f.endsWith(extension)))
    .sort()) {
    for (const document of loadManifests(join(dir, file))) {
      const object = document as { kind?: string; metadata?: { name?: string } } | null;
      if (!object?.kind || !object.metadata?.name) continue;
      const key = `${object.kind} ${object.metadata.name}`;
      if (files.has(key))
        throw new UserError(`${join(dir, file)}: ${key} is defined again (also in ${files.get(key)}); a render holds each object once`);
      files.set(key, file);
      set.set(key, { kind: object.kind, name: object.metadata.name, object: object as Record<string, unknown> });
    }
  }
  return set;
}

/** The YAML documents of one manifest file, each error one line naming the file. */
function loadManifests(path: string): unknown[] {
  const size = statSync(path).size;
  if (size > MAX_MANIFEST_BYTES) throw new UserError(`${path}: ${size} bytes, larger than any manifest render writes (4 MiB at most)`);
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (error) {
    throw new UserError(`${path}: cannot read it (${(error as Error).message})`);
  }
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text);
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? `${error.reason}, line ${(error.mark?.line ?? 0) + 1}` : String(error);
    throw new UserError(`${path}: not valid YAML (${reason})`);
  }
  if (countValues(documents, MAX_MANIFEST_VALUES) > MAX_MANIFEST_VALUES) {
    throw new UserError(`${path}: expands to more than ${MAX_MANIFEST_VALUES} values (YAML aliases?); render never writes aliases`);
  }
  return documents;
}

/** How a render directory is laid out: a directory per stack (manifests/), or one stack's files. */
interface RenderLayout {
  root: string;
  stacks: Map<string, ManifestSet>;
  perStack: boolean;
}

/** The stacks of a render: its subdirectories (manifests/agg, manifests/disagg), or the directory itself. */
function readStacks(root: string): RenderLayout {
  const why = notASearchableDirectory(root);
  if (why) throw new UserError(`${root}: ${why}`);
  const subdirs = readdirSync(root)
    .filter((entry) => statSync(join(root, entry)).isDirectory())
    .sort();
  if (subdirs.length === 0) return { root, stacks: new Map([[".", readManifestSet(root)]]), perStack: false };
  return { root, stacks: new Map(subdirs.map((stack) => [stack, readManifestSet(join(root, stack))])), perStack: true };
}

/** Two renders laid out differently would show every object as removed and added: refused instead. */
function assertSameLayout(base: RenderLayout, head: RenderLayout): void {
  if (base.perStack === head.perStack) return;
  const [perStack, single] = base.perStack ? [base, head] : [head, base];
  const stacks = [...perStack.stacks.keys()];
  const stackDir = join(perStack.root, stacks.includes(basename(single.root)) ? basename(single.root) : stacks[0]);
  const [baseDir, headDir] = base.perStack ? [stackDir, head.root] : [base.root, stackDir];
  throw new UserError(
    `${perStack.root} holds a directory per stack (${stacks.join(", ")}) but ${single.root} holds one stack's manifests: ` +
      `compare like with like, such as ${baseDir} (base) with ${headDir} (head)`,
  );
}

/** A render with no object in it is a mistyped path, not "no changes". */
function assertHoldsManifests(render: RenderLayout): void {
  if ([...render.stacks.values()].some((set) => set.size > 0)) return;
  throw new UserError(
    `${render.root}: holds no Kubernetes manifests (*.yaml, *.yml or *.json files with a kind and metadata.name); ` +
      "give a directory that render --out wrote",
  );
}

function fieldPath(path: (string | number)[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** What changed between two renders, object by object and field by field. */
export function manifestChanges(baseRoot: string, headRoot: string): StackChanges[] {
  const base = readStacks(baseRoot);
  const head = readStacks(headRoot);
  assertHoldsManifests(base);
  assertHoldsManifests(head);
  assertSameLayout(base, head);
  const stacks = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  return stacks.map((stack) => {
    const before = base.stacks.get(stack) ?? new Map();
    const after = head.stacks.get(stack) ?? new Map();
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
