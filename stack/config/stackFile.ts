import { statSync } from "node:fs";
import { readRegularFileBytes } from "../../lib/regularFile";
import { basename } from "node:path";
import yaml from "js-yaml";
import { PROJECT, VARIANTS, type StackConfig } from "./schema";
import { GO_YAML_SCHEMA, GoTime, goJson } from "./pulumiYaml";
import { ConfigError, readStackConfig, type ConfigEntry } from "./stackConfig";
import { countValues } from "../../lib/yamlExpansion";
import { firstDocument, goYamlText } from "./goYamlText";
import { describeFileError, isFileSystemError } from "../../lib/fileErrors";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { readPulumiProject, type PulumiProject } from "./pulumiProject";
import { applyProjectConfig } from "./projectConfig";

/** A stack file is a few kilobytes; anything near this is not one. */
const MAX_STACK_FILE_BYTES = 1024 * 1024;
/** More values than this means YAML aliases that expand without bound; yaml.v3, which Pulumi uses, refuses them too. */
const MAX_VALUES = 100_000;

export interface StackFile {
  stack: string;
  entries: ConfigEntry[];
  /** The file imports Pulumi ESC environments (`environment:`), whose values only the engine can read. */
  importsEnvironments: boolean;
  /** Keys whose value came, wholly or in part, from Pulumi.yaml's `config:`. */
  fromProject: string[];
  /** What the reader should hear of, though the file is read: a top-level key Pulumi ignores. */
  warnings: string[];
}

/** The top-level keys of a stack file that Pulumi reads (sdk/go/common/workspace/project.go `ProjectStack`); it ignores others. */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** Levenshtein distance, ignoring case, as Pulumi's own key suggestions measure it (project.go `findClosestKey`). */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/** One line on a top-level key Pulumi ignores, with the key it is near, if any. */
function ignoredKeyText(key: string): string {
  const near = STACK_FILE_KEYS.find((known) => distance(key, known) <= 2);
  return (
    `${JSON.stringify(key)} is not a key of a stack file, so Pulumi ignores it and all under it` +
    (near ? `; did you mean ${near}:?` : `; a stack file takes ${STACK_FILE_KEYS.join(", ")}`)
  );
}

/** `Pulumi.<stack>.yaml` names its stack; another file name names none. */
export function stackNameOfFile(path: string): string | undefined {
  return /^Pulumi\.(.+)\.yaml$/.exec(basename(path))?.[1];
}

function isSecure(value: unknown): boolean {
  return isMap(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

/** A YAML map, as loaded: not a list, and not a number or timestamp, which load as objects of their own. */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function holdsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  return typeof value === "object" && value !== null && Object.values(value).some(holdsSecure);
}

/**
 * One value as the engine hands it to the program (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8,
 * sdk/go/common/resource/config/value.go `UnmarshalYAML`, object.go `MarshalString`): text as itself,
 * a number or boolean as its JSON text (`2024` is "2024", `010` is "8"), a map or list as JSON, null
 * as "" (go-yaml leaves a null Value empty), and a key that holds a secure value anywhere as a secret.
 */
function asEngineEntry(key: string, value: unknown): ConfigEntry | { problem: string } {
  if (holdsSecure(value)) return { key, text: undefined, secret: true };
  if (value === null || value === undefined) return { key, text: "", secret: false };
  if (typeof value === "string") return { key, text: value, secret: false };
  if (value instanceof GoTime) return { key, text: value.text, secret: false };
  const text = goJson(value);
  if (text === undefined) {
    return {
      problem:
        `${key}: holds .inf or .nan, which Pulumi cannot hand to a program ` +
        "(Go's encoding/json refuses them); pulumi up stops here too",
    };
  }
  return { key, text, secret: false };
}

/**
 * The key as the engine names it: a key with no namespace is the project's
 * (pkg/workspace `stackConfigNamespacedWithProject`), and the old `<namespace>:config:<name>` form
 * is `<namespace>:<name>`.
 */
function engineKey(key: string): string {
  if (!key.includes(":")) return `${PROJECT}:${key}`;
  return key.replace(/^([^:]+):config:/, "$1:");
}

/** Keys written in two spellings (`variant`, `dynamo-bench:variant`): which one wins is not the user's to guess. */
function sameKeyProblems(keys: string[]): string[] {
  const spellings = new Map<string, string[]>();
  for (const key of keys) spellings.set(engineKey(key), [...(spellings.get(engineKey(key)) ?? []), key]);
  return [...spellings]
    .filter(([, written]) => written.length > 1)
    .map(([key, written]) => `${written.join(" and ")}: one key, ${key}, given ${written.length} times; keep one`);
}

function readProblem(error: unknown): string {
  if (isFileSystemError(error)) return describeFileError(error);
  if (error instanceof yaml.YAMLException) {
    const where = error.mark ? ` (line ${error.mark.line + 1}, column ${error.mark.column + 1})` : "";
    return `not valid YAML: ${error.reason}${where}`;
  }
  return (error as Error).message;
}

/**
 * A stack file's config, read as the engine reads it, for commands that run without the Pulumi CLI:
 * with the project's Pulumi.yaml config merged in, as `pulumi up` merges it.
 */
export function readStackFile(path: string, project: PulumiProject = readPulumiProject(PROJECT_ROOT)): StackFile {
  let document: unknown;
  try {
    // A pipe or a device would be read until it ends, which may be never.
    const size = statSync(path).size;
    if (size > MAX_STACK_FILE_BYTES) {
      throw new ConfigError(path, [`cannot read the stack file: it has ${size} bytes; a stack file is a few kilobytes`]);
    }
    document = yaml.load(firstDocument(goYamlText(readRegularFileBytes(path))), { schema: GO_YAML_SCHEMA, filename: path });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, [`cannot read the stack file: ${readProblem(error)}`]);
  }
  if (document !== undefined && document !== null && !isMap(document)) {
    throw new ConfigError(path, ["the stack file must be a YAML map with a `config:` key"]);
  }
  if (countValues(document, MAX_VALUES) > MAX_VALUES) {
    throw new ConfigError(path, [`cannot read the stack file: it expands to more than ${MAX_VALUES} values (YAML aliases?)`]);
  }
  const ignored = Object.keys(document ?? {}).filter((key) => !STACK_FILE_KEYS.includes(key));
  // With no config: key, a typo (`configs:`) would leave the stack with no config at all: refused, naming it.
  if (ignored.length > 0 && (document as { config?: unknown } | null | undefined)?.config === undefined) {
    throw new ConfigError(path, [`${ignoredKeyText(ignored[0])}; this file sets no config`]);
  }
  const file = (document ?? {}) as { config?: unknown; environment?: unknown };
  const config = file.config ?? {};
  if (!isMap(config)) {
    throw new ConfigError(path, ["config: must be a map of keys to values"]);
  }
  const spellingProblems = sameKeyProblems(Object.keys(config));
  if (spellingProblems.length > 0) throw new ConfigError(path, spellingProblems);
  const stackConfig = new Map(Object.entries(config).map(([key, value]) => [engineKey(key), value] as const));
  const merged = applyProjectConfig(project, stackNameOfFile(path) ?? basename(path), stackConfig);
  const read = [...merged.config].map(([key, value]) => asEngineEntry(key, value));
  const problems = [...merged.problems, ...read.flatMap((entry) => ("problem" in entry ? [entry.problem] : []))];
  if (problems.length > 0) throw new ConfigError(path, problems);
  const entries = read as ConfigEntry[];
  const variant = entries.find((entry) => entry.key === `${PROJECT}:variant`)?.text;
  // A file not named Pulumi.<stack>.yaml takes its variant's name, if it is one; a variant that is none is the variant's fault.
  const variantName = (VARIANTS as readonly (string | undefined)[]).includes(variant) ? variant : undefined;
  return {
    stack: stackNameOfFile(path) ?? variantName ?? "stack",
    entries,
    importsEnvironments: file.environment !== undefined && file.environment !== null,
    fromProject: [...merged.fromProject],
    warnings: ignored.map((key) => `${basename(path)}: ${ignoredKeyText(key)}`),
  };
}

/**
 * The validated config of a stack file read by `readStackFile`. A problem with a value Pulumi.yaml gave
 * says so, since the stack file does not hold it.
 */
export function stackConfigOf(file: StackFile, description: string): StackConfig {
  try {
    return readStackConfig({ description, stack: file.stack, entries: file.entries });
  } catch (error) {
    if (!(error instanceof ConfigError) || file.fromProject.length === 0) throw error;
    const fromProject = (problem: string) => file.fromProject.some((key) => problem.startsWith(`${key}:`) || problem.startsWith(`${key}.`));
    throw new ConfigError(
      error.source,
      error.problems.map((problem) => (fromProject(problem) ? `${problem} (this value comes from Pulumi.yaml's config:)` : problem)),
    );
  }
}

/** The validated config of a `Pulumi.<stack>.yaml` file, read the way `pulumi up` reads it. */
export function stackConfigFromFile(path: string, project?: PulumiProject): StackConfig {
  return stackConfigOf(readStackFile(path, project), path);
}
