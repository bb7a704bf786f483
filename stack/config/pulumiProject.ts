import { statSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { readRegularFileBytes, isRegularFile } from "../../lib/regularFile";
import { describeFileError, isFileSystemError } from "../../lib/fileErrors";
import { PROJECT } from "./schema";
import { GO_YAML_SCHEMA, GoNonFinite, GoNumber, GoTime } from "./pulumiYaml";
import { firstDocument, goYamlText } from "./goYamlText";
import { ConfigError } from "./stackConfig";
import { parseKeyPath, type PathSegment } from "./configPath";
import { configTypeName, isConfigValueOfType, type ConfigItemsType } from "./projectConfigTypes";

/**
 * Pulumi.yaml as `pulumi up` reads it (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * sdk/go/common/workspace/loaders.go `LoadProjectBytes` validates it against project.json, moves a
 * text `config:` to `stackConfigDir` (project.go `RewriteConfigPathIntoStackConfigDir`), turns each
 * short-hand config value into a declaration (`RewriteShorthandConfigValues`) and checks the
 * declarations (`Project.Validate`); paths.go `ProjectStackPath` finds the stack files in stackConfigDir.
 */

/** One key of Pulumi.yaml's `config:`, which every stack gets unless its stack file sets the key. */
export interface ProjectConfigDeclaration {
  /** As written in Pulumi.yaml: `namespace`, `dynamo-bench:graph.name`, `kubernetes:context`. */
  written: string;
  namespace: string;
  /** The key's name, a path when it holds `.` or `[`: its first segment names the stack's key. */
  path: PathSegment[];
  type?: string;
  items?: ConfigItemsType;
  /** The `default` or `value`, as loaded; undefined when it has neither. */
  fallback?: unknown;
  secret: boolean;
}

export interface PulumiProject {
  /** Pulumi.yaml's path, named in messages. */
  file: string;
  /** Where the stack files are: the project's folder, or its stackConfigDir. */
  stackConfigDir: string;
  /** In the order Pulumi applies them: by key, as Go sorts strings. */
  config: ProjectConfigDeclaration[];
}

/** A Pulumi.yaml is a few kilobytes; anything near this is not one. */
const MAX_PROJECT_FILE_BYTES = 1024 * 1024;
const SIMPLE_TYPES = ["string", "integer", "boolean", "array", "object"];
const DECLARATION_KEYS = ["type", "items", "description", "secret", "default", "value"];

/** A map as loaded, not a list, a number or a timestamp. */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** What Go decodes into `any` and Pulumi's `isPrimitiveValue` takes: a string, an int or a bool. */
function isGoPrimitive(value: unknown): boolean {
  return typeof value === "string" || typeof value === "boolean" || (value instanceof GoNumber && value.goType === "int");
}

/** Where a value holds something Pulumi cannot hand to a program as written, in words; undefined when nothing. */
function unwritableValue(value: unknown): string | undefined {
  if (value instanceof GoTime) {
    return "holds a YAML timestamp, which Pulumi hands to the program rewritten, not as written; quote it";
  }
  if (value instanceof GoNonFinite) return "holds .inf or .nan, which Pulumi cannot hand to a program (Go's encoding/json refuses them)";
  if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) {
      const why = unwritableValue(item);
      if (why) return why;
    }
  }
  return undefined;
}

/** project.json's configItemsType: `type` required, `items` too for an array, nested alike. */
function itemsTypeOf(value: unknown, where: string): ConfigItemsType | { problem: string } {
  if (!isMap(value)) return { problem: `${where}: must be a map with a type` };
  const unknown = Object.keys(value).filter((key) => key !== "type" && key !== "items");
  if (unknown.length > 0) return { problem: `${where}: ${unknown[0]} is not allowed; only type and items are` };
  if (typeof value.type !== "string" || !SIMPLE_TYPES.includes(value.type)) {
    return { problem: `${where}.type: must be one of ${SIMPLE_TYPES.join(", ")}` };
  }
  if (value.type === "array" && value.items === undefined) return { problem: `${where}: an array needs items` };
  if (value.items === undefined) return { type: value.type };
  const items = itemsTypeOf(value.items, `${where}.items`);
  return "problem" in items ? items : { type: value.type, items };
}

function isProjectNamespaced(key: string): boolean {
  return !key.includes(":") || key.startsWith(`${PROJECT}:`);
}

/** config.ParseKey: `<namespace>:<name>`, or the old `<namespace>:config:<name>`. */
function splitKey(key: string): { namespace: string; name: string } | undefined {
  if (!key.includes(":")) return { namespace: PROJECT, name: key };
  const parts = key.split(":");
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 3 && parts[1] === "config") return { namespace: parts[0], name: parts[2] };
  return undefined;
}

/** One entry of `config:`, short-hand or declared, checked as project.json and `Project.Validate` check it. */
function declarationOf(written: string, raw: unknown): ProjectConfigDeclaration | { problem: string } {
  const at = `config: ${written}`;
  const key = splitKey(written);
  if (!key) return { problem: `${at}: is no config key; write <namespace>:<name>, or a name alone for ${PROJECT}'s` };
  const path = parseKeyPath(key.name);
  if ("problem" in path) return { problem: `${at}: Pulumi cannot read this key's path: ${path.problem}` };
  const unwritable = unwritableValue(raw);
  if (unwritable) return { problem: `${at}: ${unwritable}` };
  const projectKey = isProjectNamespaced(written);
  if (written === "secret" && typeof raw !== "boolean") return { problem: `${at}: project.json allows only true or false here` };
  // The short hand: a text, a whole number, a boolean or a list is the default of a key of this
  // project, and the value of another's.
  if (isGoPrimitive(raw) || Array.isArray(raw)) {
    return { written, ...key, path, fallback: raw, secret: false };
  }
  if (!isMap(raw)) {
    return {
      problem:
        `${at}: must be text, a whole number, true or false, a list, or a declaration ` +
        `(a map of ${DECLARATION_KEYS.join(", ")}), as project.json allows`,
    };
  }
  const unknown = Object.keys(raw).filter((name) => !DECLARATION_KEYS.includes(name));
  if (unknown.length > 0) {
    return {
      problem:
        `${at}: ${unknown[0]} is not allowed in a declaration, whose keys are ${DECLARATION_KEYS.join(", ")}; ` +
        "a map as the default goes under default:",
    };
  }
  if (raw.type !== undefined && (typeof raw.type !== "string" || !SIMPLE_TYPES.includes(raw.type))) {
    return { problem: `${at}: type: must be one of ${SIMPLE_TYPES.join(", ")}` };
  }
  if (raw.description !== undefined && typeof raw.description !== "string") return { problem: `${at}: description: must be text` };
  if (raw.secret !== undefined && typeof raw.secret !== "boolean") return { problem: `${at}: secret: must be true or false` };
  let items: ConfigItemsType | undefined;
  if (raw.items !== undefined) {
    const parsed = itemsTypeOf(raw.items, `${at}: items`);
    if ("problem" in parsed) return parsed;
    items = parsed;
  }
  const hasDefault = raw.default !== undefined && raw.default !== null;
  const hasValue = raw.value !== undefined && raw.value !== null;
  if (hasDefault && hasValue) return { problem: `${at}: cannot have both a default and a value` };
  const type = raw.type as string | undefined;
  if (projectKey) {
    if (type === "array" && items === undefined) return { problem: `${at}: declares an array but not the type of its items (items:)` };
    if (type !== undefined && hasDefault && !isConfigValueOfType(type, items, raw.default)) {
      return { problem: `${at}: its default is not of its type, ${configTypeName(type, items)}` };
    }
  } else {
    if (type !== undefined) return { problem: `${at}: is not ${PROJECT}'s key, so it takes no type; only a value` };
    if (hasDefault) return { problem: `${at}: is not ${PROJECT}'s key, so it takes no default; give it a value: instead` };
    if (!hasValue) return { problem: `${at}: is not ${PROJECT}'s key, so it must give a value:` };
  }
  return {
    written,
    ...key,
    path,
    ...(type !== undefined ? { type } : {}),
    ...(items !== undefined ? { items } : {}),
    ...(hasDefault ? { fallback: raw.default } : hasValue ? { fallback: raw.value } : {}),
    secret: raw.secret === true,
  };
}

/** Go's sort.Strings: by bytes, which is by code point. */
function byGoOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function loadProjectFile(path: string): unknown {
  try {
    const size = statSync(path).size;
    if (size > MAX_PROJECT_FILE_BYTES) throw new Error(`it has ${size} bytes; a Pulumi.yaml is a few kilobytes`);
    return yaml.load(firstDocument(goYamlText(readRegularFileBytes(path))), { schema: GO_YAML_SCHEMA, filename: path });
  } catch (error) {
    const why = isFileSystemError(error)
      ? describeFileError(error)
      : error instanceof yaml.YAMLException
        ? `not valid YAML: ${error.reason}${error.mark ? ` (line ${error.mark.line + 1}, column ${error.mark.column + 1})` : ""}`
        : (error as Error).message;
    throw new ConfigError(path, [`cannot read it: ${why}`]);
  }
}

/** The project in `root`, read as `pulumi up` reads it; a root with no Pulumi.yaml has no project settings. */
export function readPulumiProject(root: string): PulumiProject {
  const file = join(root, "Pulumi.yaml");
  // encoding.Exts: the CLI looks for Pulumi.json before Pulumi.yaml (paths.go findProjectInDir).
  if (isRegularFile(join(root, "Pulumi.json"))) {
    throw new ConfigError(join(root, "Pulumi.json"), [
      "the Pulumi CLI reads this project file before Pulumi.yaml, and this program's settings are in Pulumi.yaml: remove it",
    ]);
  }
  if (!isRegularFile(file)) return { file, stackConfigDir: root, config: [] };
  const document = loadProjectFile(file);
  if (!isMap(document)) throw new ConfigError(file, ["must be a YAML map, with name: " + PROJECT]);
  const problems: string[] = [];
  if (document.name !== PROJECT) {
    problems.push(
      `name: must be ${PROJECT}, the namespace the program reads its config in (got ${JSON.stringify(document.name) ?? "nothing"})`,
    );
  }
  let stackConfigDir: unknown = document.stackConfigDir;
  if (stackConfigDir !== undefined && stackConfigDir !== null && typeof stackConfigDir !== "string") {
    problems.push("stackConfigDir: must be text, a folder relative to Pulumi.yaml");
  }
  const config = document.config ?? {};
  if (typeof config === "string") {
    if (Object.hasOwn(document, "stackConfigDir")) {
      problems.push("config: and stackConfigDir: both give the stack files' folder; keep stackConfigDir: alone, as Pulumi asks");
    } else {
      stackConfigDir = config;
    }
  } else if (!isMap(config)) {
    problems.push("config: must be a map of config keys, or the stack files' folder (better written stackConfigDir:)");
  }
  const declarations: ProjectConfigDeclaration[] = [];
  const spellings = new Map<string, string[]>();
  if (isMap(config)) {
    for (const written of Object.keys(config).sort(byGoOrder)) {
      const declaration = declarationOf(written, config[written]);
      if ("problem" in declaration) {
        problems.push(declaration.problem);
        continue;
      }
      declarations.push(declaration);
      const engineKey = `${declaration.namespace}:${declaration.path.join(".")}`;
      spellings.set(engineKey, [...(spellings.get(engineKey) ?? []), written]);
    }
  }
  for (const [key, written] of spellings) {
    if (written.length > 1) problems.push(`config: ${written.join(" and ")}: one key, ${key}, declared ${written.length} times; keep one`);
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  // filepath.Join(dir, stackConfigDir, file): an absolute stackConfigDir is joined below the project too.
  return {
    file,
    stackConfigDir: typeof stackConfigDir === "string" && stackConfigDir !== "" ? join(root, stackConfigDir) : root,
    config: declarations,
  };
}

/** `Pulumi.<stack>.yaml` in the project's stack folder. */
export function projectStackFile(project: PulumiProject, stack: string): string {
  return join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
}
