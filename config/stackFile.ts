import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import yaml from "js-yaml";
import { PROJECT, type StackConfig } from "./schema";
import { ConfigError, readStackConfig, type ConfigEntry } from "./stackConfig";

/** A stack file is a few kilobytes; anything near this is not one. */
const MAX_STACK_FILE_BYTES = 1024 * 1024;
/** More values than this means YAML aliases that expand without bound; yaml.v3, which Pulumi uses, refuses them too. */
const MAX_VALUES = 100_000;

export interface StackFile {
  stack: string;
  entries: ConfigEntry[];
  /** The file imports Pulumi ESC environments (`environment:`), whose values only the engine can read. */
  importsEnvironments: boolean;
}

/** `Pulumi.<stack>.yaml` names its stack; another file name names none. */
export function stackNameOfFile(path: string): string | undefined {
  return /^Pulumi\.(.+)\.yaml$/.exec(basename(path))?.[1];
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** Counts values as JSON would write them out, stopping past `limit`: aliases can make a small file expand without end. */
function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack = [value];
  while (stack.length > 0 && count <= limit) {
    const next = stack.pop();
    count++;
    if (typeof next === "object" && next !== null) stack.push(...Object.values(next));
  }
  return count;
}

function holdsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  return typeof value === "object" && value !== null && Object.values(value).some(holdsSecure);
}

/**
 * One value as the engine hands it to the program (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8,
 * sdk/go/common/resource/config/value.go `UnmarshalYAML` and plaintext.go `marshalText`): text as
 * itself, a typed scalar as its JSON text (`2024` is "2024"), a map or list as JSON, null as ""
 * (yaml.v3 leaves a null Value empty), and a key that holds a secure value anywhere as a secret.
 */
function asEngineEntry(key: string, value: unknown): ConfigEntry {
  if (holdsSecure(value)) return { key, text: undefined, secret: true };
  if (value === null || value === undefined) return { key, text: "", secret: false };
  if (typeof value === "string") return { key, text: value, secret: false };
  return { key, text: JSON.stringify(value), secret: false };
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "the file does not exist";
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (error instanceof yaml.YAMLException) {
    const where = error.mark ? ` (line ${error.mark.line + 1}, column ${error.mark.column + 1})` : "";
    return `not valid YAML: ${error.reason}${where}`;
  }
  return (error as Error).message;
}

/** A stack file's config, read as the engine reads it, for commands that run without the Pulumi CLI. */
export function readStackFile(path: string): StackFile {
  let document: unknown;
  try {
    // A pipe or a device would be read until it ends, which may be never.
    const stats = statSync(path);
    if (stats.isDirectory()) throw new ConfigError(path, ["cannot read the stack file: it is a directory, not a file"]);
    if (!stats.isFile()) throw new ConfigError(path, ["cannot read the stack file: it is not a regular file"]);
    const bytes = readFileSync(path);
    if (bytes.length > MAX_STACK_FILE_BYTES) {
      throw new ConfigError(path, [`cannot read the stack file: it has ${bytes.length} bytes; a stack file is a few kilobytes`]);
    }
    // The core schema: no timestamps, so `2024-01-01` stays text, as a config value should.
    document = yaml.load(bytes.toString("utf8"), { schema: yaml.CORE_SCHEMA, filename: path });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, [`cannot read the stack file: ${readProblem(error)}`]);
  }
  if (document !== undefined && document !== null && (typeof document !== "object" || Array.isArray(document))) {
    throw new ConfigError(path, ["the stack file must be a YAML map with a `config:` key"]);
  }
  if (countValues(document, MAX_VALUES) > MAX_VALUES) {
    throw new ConfigError(path, [`cannot read the stack file: it expands to more than ${MAX_VALUES} values (YAML aliases?)`]);
  }
  const file = (document ?? {}) as { config?: unknown; environment?: unknown };
  const config = file.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError(path, ["config: must be a map of keys to values"]);
  }
  const entries = Object.entries(config).map(([key, value]) => asEngineEntry(key, value));
  const variant = entries.find((entry) => entry.key === `${PROJECT}:variant`)?.text;
  return {
    stack: stackNameOfFile(path) ?? (variant || "stack"),
    entries,
    importsEnvironments: file.environment !== undefined && file.environment !== null,
  };
}

/** The validated config of a `Pulumi.<stack>.yaml` file, read the way `pulumi up` reads it. */
export function stackConfigFromFile(path: string): StackConfig {
  const file = readStackFile(path);
  return readStackConfig({ description: path, stack: file.stack, entries: file.entries });
}
