import { PROJECT } from "./schema";
import { GoNumber, GoTime, goJson } from "./pulumiYaml";
import { getAtPath, setAtPath } from "./configPath";
import { configTypeName, isConfigValueOfType } from "./projectConfigTypes";
import type { ProjectConfigDeclaration, PulumiProject } from "./pulumiProject";

/**
 * Pulumi.yaml's config merged into a stack's, as `pulumi up` merges it before the program runs
 * (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8, pkg/workspace/config.go `mergeConfig` with
 * validation, as up.go and preview.go call it): a key the stack file leaves unset takes the project's
 * default or value; a key of this project with neither, unset, stops `pulumi up`; and a declared
 * type or `secret: true` is checked against the stack's value.
 */

export interface MergedConfig {
  /** Engine keys (`dynamo-bench:graph`) to values, as a stack file loads them. */
  config: Map<string, unknown>;
  /** Keys whose value Pulumi.yaml gave or changed. */
  fromProject: Set<string>;
  problems: string[];
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

function holdsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  return typeof value === "object" && value !== null && !(value instanceof GoNumber) && Object.values(value).some(holdsSecure);
}

/** createConfigValue: a text, an int or a bool becomes text (`%v`); anything else JSON, which the program parses. */
function configValueOf(fallback: unknown): { text: string } | { object: unknown } {
  if (typeof fallback === "string") return { text: fallback };
  if (typeof fallback === "boolean") return { text: String(fallback) };
  if (fallback instanceof GoNumber && fallback.goType === "int") return { text: fallback.json };
  return { object: fallback };
}

/** object.go `coerce`, which a value set at a path goes through: "true", "false" and whole numbers with no leading 0. */
function coerced(text: string): unknown {
  if (text === "true" || text === "false") return text === "true";
  if (text.length > 1 && text[0] === "0") return text;
  if (/^[+-]?[0-9]+$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT64_MIN && value <= INT64_MAX) return new GoNumber(value.toString(), "int");
    if (!text.startsWith("-") && value <= UINT64_MAX) return new GoNumber(value.toString(), "uint64");
  }
  return text;
}

/** What `ValidateConfigValue` is given for a stack's value: its text, or for a map or list its parsed JSON. */
function contentOf(value: unknown, nested: boolean): unknown {
  if (Array.isArray(value) || (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
    return JSON.parse(goJson(value) ?? "null");
  }
  if (value === null || value === undefined) return nested ? null : "";
  if (value instanceof GoNumber) return value.json;
  if (value instanceof GoTime) return value.text;
  return String(value);
}

function valueAt(config: Map<string, unknown>, declaration: ProjectConfigDeclaration): { found: boolean; value?: unknown } {
  const root = `${declaration.namespace}:${declaration.path[0]}`;
  if (!config.has(root)) return { found: false };
  return declaration.path.length === 1 ? { found: true, value: config.get(root) } : getAtPath(config.get(root), declaration.path.slice(1));
}

export function applyProjectConfig(project: PulumiProject, stack: string, stackConfig: Map<string, unknown>): MergedConfig {
  const config = new Map(stackConfig);
  const fromProject = new Set<string>();
  const problems: string[] = [];
  const missing: string[] = [];
  for (const declaration of project.config) {
    if (valueAt(config, declaration).found) continue;
    if (declaration.fallback === undefined) {
      if (declaration.namespace === PROJECT) missing.push(declaration.written);
      continue;
    }
    const root = `${declaration.namespace}:${declaration.path[0]}`;
    const value = configValueOf(declaration.fallback);
    if (declaration.path.length === 1) {
      config.set(root, "text" in value ? value.text : value.object);
    } else {
      const set = setAtPath(config.get(root), declaration.path.slice(1), "text" in value ? coerced(value.text) : value.object);
      if ("problem" in set) {
        problems.push(`${declaration.written}: Pulumi.yaml's default cannot be set in the stack's ${root}: ${set.problem}`);
        continue;
      }
      config.set(root, set.value);
    }
    fromProject.add(root);
  }
  for (const written of missing) {
    problems.push(
      `${written}: Pulumi.yaml declares it with no default or value, and the stack file does not set it; ` +
        `pulumi up stops here (Stack '${stack}' is missing configuration value '${written}'): set it, or give it a default`,
    );
  }
  for (const declaration of project.config) {
    if (declaration.type === undefined && !declaration.secret) continue;
    const { value } = valueAt(config, declaration);
    if (declaration.secret && !holdsSecure(value)) {
      problems.push(
        `${declaration.written}: Pulumi.yaml declares it secret, but its value is plain text; pulumi up stops here ` +
          `(Stack '${stack}' with configuration key '${declaration.written}' must be encrypted as it's secret): set it with --secret`,
      );
      continue;
    }
    // A secret's type is checked on its decrypted value, which only the engine can read.
    if (declaration.type === undefined || holdsSecure(value)) continue;
    if (!isConfigValueOfType(declaration.type, declaration.items, contentOf(value, declaration.path.length > 1))) {
      const type = configTypeName(declaration.type, declaration.items);
      problems.push(
        `${declaration.written}: Pulumi.yaml declares it of type ${type}, which the stack's value is not; pulumi up stops here ` +
          `(Stack '${stack}' with configuration key '${declaration.written}' must be of type '${type}')`,
      );
    }
  }
  return { config, fromProject, problems };
}
