import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { parse as parseShell } from "shell-quote";

/**
 * A stand-in for the Pulumi CLI's `pulumi config set` and for the engine that hands the stored
 * config to the program, written from their source (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * - pkg/cmd/pulumi/config/config.go: the flags; a key without a namespace takes the project's.
 * - sdk/go/common/resource/config/map.go `Set`: without --path the value is text; with a path
 *   of more than one segment, or with --type, it is coerced (object.go `coerce`): "true" and
 *   "false" become booleans, and whole numbers without a leading zero become numbers. A first
 *   segment that holds text is replaced by a map (the COMPAT branch).
 * - value.go `unmarshalObject` for --type: int (Atoi), float (ParseFloat), bool (ParseBool), string.
 * - map.go `Decrypt` and plaintext.go `marshalText`: the program gets text as itself, a typed
 *   value as its JSON, an object as JSON with its secrets decrypted, and the key marked secret.
 */

const PROJECT = "dynamo-bench";

interface Secure {
  secure: string;
}

type Value = string | number | boolean | null | Secure | Value[] | { [key: string]: Value };

/** The stack's config as the CLI keeps it: keys to typed values, secrets as ciphertext. */
export type StoredConfig = Record<string, Value>;

/** The test "encryption": reversible, and never the plain text. */
function encrypt(text: string): Secure {
  return { secure: `v1:${Buffer.from(text).toString("base64")}` };
}

function isSecure(value: unknown): value is Secure {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function coerce(text: string): Value {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.length > 1 && text[0] === "0") return text;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  return text;
}

const PARSE_BOOL: Record<string, boolean> = {
  "1": true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

function typed(text: string, type: string): Value {
  switch (type) {
    case "string":
      return text;
    case "int":
      if (!/^[-+]?[0-9]+$/.test(text)) throw new Error(`invalid int ${text}`);
      return Number(text);
    case "float":
      if (Number.isNaN(Number(text))) throw new Error(`invalid float ${text}`);
      return Number(text);
    case "bool":
      return PARSE_BOOL[text] ?? false;
    default:
      throw new Error(`invalid type "${type}"; must be one of string, int, bool, or float`);
  }
}

function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]+)((\[[0-9]+\])*)$/.exec(part);
    if (!match) throw new Error(`unsupported path segment ${part}`);
    segments.push(match[1]);
    for (const index of match[2].matchAll(/\[([0-9]+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

export interface ConfigSetCommand {
  stack?: string;
  path: boolean;
  secret: boolean;
  type?: string;
  key: string;
  value: string;
}

/** The arguments of one `pulumi config set …` as a shell would split them; anything after `&&` or `#` is another matter. */
export function parseConfigSet(commandLine: string): ConfigSetCommand {
  const words: string[] = [];
  for (const token of parseShell(commandLine)) {
    if (typeof token !== "string") break;
    words.push(token);
  }
  if (words[0] !== "pulumi" || words[1] !== "config" || words[2] !== "set") throw new Error(`not a pulumi config set: ${commandLine}`);
  const command: Partial<ConfigSetCommand> = { path: false, secret: false };
  const positional: string[] = [];
  for (let i = 3; i < words.length; i++) {
    const word = words[i];
    if (word === "-s" || word === "--stack") command.stack = words[++i];
    else if (word === "--path") command.path = true;
    else if (word === "--secret") command.secret = true;
    else if (word === "--plaintext") command.secret = false;
    else if (word === "--type") command.type = words[++i];
    else if (word.startsWith("-")) throw new Error(`unknown flag ${word}`);
    else positional.push(word);
  }
  if (positional.length !== 2) throw new Error(`expected a key and a value: ${commandLine}`);
  [command.key, command.value] = positional;
  return command as ConfigSetCommand;
}

/** Applies one `pulumi config set` to the stored config, as the CLI would. */
export function configSet(stored: StoredConfig, command: ConfigSetCommand): StoredConfig {
  const result: StoredConfig = structuredClone(stored);
  const segments = command.path ? pathSegments(command.key) : [command.key];
  const first = String(segments[0]);
  const key = first.includes(":") ? first : `${PROJECT}:${first}`;
  let value: Value = command.type !== undefined ? typed(command.value, command.type) : command.value;
  if (command.path && segments.length > 1 && command.type === undefined) value = coerce(command.value);
  if (command.secret) value = encrypt(command.value);
  if (segments.length === 1) {
    result[key] = value;
    return result;
  }
  if (typeof result[key] !== "object" || result[key] === null || isSecure(result[key])) {
    result[key] = typeof segments[1] === "number" ? [] : {};
  }
  let container = result[key] as Record<string | number, Value>;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i];
    const next = segments[i + 1];
    if (container[segment] === undefined) container[segment] = typeof next === "number" ? [] : {};
    const child = container[segment];
    if (typeof child !== "object" || child === null || isSecure(child))
      throw new Error(`${segments.slice(0, i + 1).join(".")}: expected a map`);
    container = child as Record<string | number, Value>;
  }
  container[segments[segments.length - 1]] = value;
  return result;
}

/**
 * The stack file the CLI writes for the stored config. go-yaml quotes every string it would not
 * read back as one; quoting every string is the same to a reader, and leaves no doubt (js-yaml
 * alone would write `1_000` bare, which go-yaml reads as 1000).
 */
export function stackFileText(stored: StoredConfig): string {
  return yaml.dump({ config: stored }, { lineWidth: -1, forceQuotes: true });
}

/** The stored config of a stack file. */
export function storedConfigOf(stackFileText: string): StoredConfig {
  return ((yaml.load(stackFileText) as { config?: StoredConfig }).config ?? {}) as StoredConfig;
}

function decrypted(value: Value): unknown {
  if (isSecure(value)) return Buffer.from(value.secure.slice(3), "base64").toString();
  if (Array.isArray(value)) return value.map(decrypted);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decrypted(v)]));
  return value;
}

function holdsSecret(value: Value): boolean {
  if (isSecure(value)) return true;
  return typeof value === "object" && value !== null && Object.values(value).some(holdsSecret);
}

/** What the engine hands the program: PULUMI_CONFIG's map of text, and PULUMI_CONFIG_SECRET_KEYS. */
export function engineConfig(stored: StoredConfig): { config: Record<string, string>; secretKeys: string[] } {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    const plain = decrypted(value);
    config[key] = typeof plain === "string" ? plain : plain === null ? "" : JSON.stringify(plain);
    if (holdsSecret(value)) secretKeys.push(key);
  }
  return { config, secretKeys };
}

/** Writes the stack file the CLI would, as `Pulumi.<stack>.yaml` in `dir`, and returns its path. */
export function writeStackFile(dir: string, stack: string, stored: StoredConfig): string {
  const path = join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(path, stackFileText(stored));
  return path;
}
