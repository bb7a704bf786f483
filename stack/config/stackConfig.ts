import { z } from "zod";
import { isRunName, RUN_NAME_RULE } from "../../analysis/runs/runName";
import { UserError } from "../../lib/userError";
import { LONGEST_RUN_ID, operatorNames, stackObjectNames, type DerivedName } from "./names";
import { followsNameRule, nameRuleMaxLength, nameRuleText } from "./kubernetesRules";
import { isSectionKey, isTopLevelKey } from "./configKeys";
import { GO_TIME_TEXT } from "./pulumiYaml";
import { shellCommand } from "./shellCommands";
import { stackRelease } from "./dynamoRelease";
import { configKey, PROJECT, SECRET_KEYS, SECRET_SET, stackSchema, VARIANTS, type SecretKey, type StackConfig } from "./schema";

/** One config key as the Pulumi engine hands it to the program. */
export interface ConfigEntry {
  /** Namespaced: `dynamo-bench:graph`, `kubernetes:context`. */
  key: string;
  /** The value as text, an object as JSON; undefined for a secret that only the engine can decrypt. */
  text: string | undefined;
  secret: boolean;
}

/** A stack's config, from `pulumi up` or from a stack file, in the one form both are read in. */
export interface ConfigSource {
  /** Named in messages: `Pulumi.agg.yaml`. */
  description: string;
  /** The stack, which names the results directory `results/<stack>/`. */
  stack: string;
  entries: ConfigEntry[];
}

/** The engine's own namespace (`pulumi:tags`, `pulumi:disable-default-providers`), left to it. */
const ENGINE_NAMESPACE = "pulumi";

/** A config a user must fix; its message names every field at fault. */
export class ConfigError extends UserError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid config in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function isSecretKey(name: string): name is SecretKey {
  return (SECRET_KEYS as readonly string[]).includes(name);
}

/** What the config holds for one key, decoded from the engine's text, or the problem with it. */
function decodeEntry(entry: ConfigEntry, stack: string): { name: string; value: unknown } | { problem: string } {
  const colon = entry.key.indexOf(":");
  if (colon <= 0) return { problem: `${entry.key}: a config key is written <namespace>:<name>, such as ${PROJECT}:${entry.key}` };
  const namespace = entry.key.slice(0, colon);
  const name = entry.key.slice(colon + 1);
  if (namespace !== PROJECT) return { problem: foreignKeyProblem(entry.key, namespace, name) };
  if (/[.[]/.test(name)) {
    return {
      problem:
        `${entry.key}: is one key with a dot in its name, which \`pulumi config set\` without --path makes. ` +
        `Remove it (${shellCommand("pulumi", "config", "rm", "-s", stack, name)}) and set it as a path: ` +
        `${shellCommand("pulumi", "config", "set", "-s", stack, "--path", name)} <value>`,
    };
  }
  if (entry.secret && !isSecretKey(name)) {
    const plainly = isSectionKey(name)
      ? `${shellCommand("pulumi", "config", "set", "-s", stack, "--path")} ${name}.<field> <value>, for each field`
      : `${shellCommand("pulumi", "config", "set", "-s", stack, name)} <value>`;
    return {
      problem:
        `${entry.key}: is stored as a secret, but its value goes into object names, manifests or outputs, where it would show in ` +
        `plain text; only ${SECRET_KEYS.join(" and ")} may be secrets. Store it in plain text: ${plainly}`,
    };
  }
  if (name === "hfToken") {
    if (!entry.secret) {
      return {
        problem:
          `${entry.key}: is stored in plain text; store it encrypted instead: ` +
          `${shellCommand("pulumi", "config", "set", "-s", stack, "--secret", "hfToken")} <value>`,
      };
    }
    return { name, value: SECRET_SET };
  }
  if (entry.text === undefined) return { name, value: SECRET_SET };
  let value: unknown = entry.text;
  if (isSectionKey(name)) {
    try {
      value = JSON.parse(entry.text);
    } catch {
      // Left as text, which the schema refuses as "must be a map of settings".
    }
  } else if (isTopLevelKey(name) && isJsonContainer(entry.text)) {
    // A key the schema does not know is left as it is, for the schema to name as unknown.
    return { problem: `${entry.key}: must be text, not a map or list` };
  }
  const timestamp = timestampPath(value, [name]);
  if (timestamp) {
    return {
      problem:
        `${configKey(timestamp)}: is a YAML timestamp, which Pulumi hands to the program rewritten (2024-01-01 becomes ` +
        `"2024-01-01 00:00:00 +0000 UTC"), not as written; quote it in the stack file`,
    };
  }
  return { name, value };
}

function isJsonContainer(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    return typeof JSON.parse(text) === "object";
  } catch {
    return false;
  }
}

/** Where a value holds text that Go's time.String wrote, which is what Pulumi makes of a YAML timestamp. */
function timestampPath(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === "string") return GO_TIME_TEXT.test(value) ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = timestampPath(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

function foreignKeyProblem(key: string, namespace: string, name: string): string {
  if (namespace === "kubernetes") {
    return (
      `${key}: this stack's Kubernetes providers are explicit and read no kubernetes: keys. ` +
      `Remove it (${shellCommand("pulumi", "config", "rm", key)})${name === "context" ? ` and set ${PROJECT}:kubeContext instead` : ""}`
    );
  }
  const guess = isTopLevelKey(name) ? `; did you mean ${PROJECT}:${name}?` : ".";
  return (
    `${key}: nothing in this stack reads the "${namespace}" namespace${guess} ` +
    `Remove it: ${shellCommand("pulumi", "config", "rm", key)}`
  );
}

/** Pulumi allows "." and ".." as stack names; as a directory under results/ they would escape it. */
function stackNameProblem(stack: string): string | undefined {
  if (isRunName(stack)) return undefined;
  return (
    `stack ${JSON.stringify(stack)}: its results are saved in results/<stack>/, so a stack name here has ${RUN_NAME_RULE}; ` +
    "rename it: pulumi stack rename <new-name>"
  );
}

/**
 * The validated config of a stack: every key checked where it enters, in the form the Pulumi CLI
 * stores it. `pulumi up` and `render` both come through here, so they read a stack file alike.
 */
export function readStackConfig(source: ConfigSource): StackConfig {
  const problems: string[] = [];
  const stackProblem = stackNameProblem(source.stack);
  if (stackProblem) problems.push(stackProblem);
  // Built as entries, so that a key named `__proto__` is a key like any other, refused as unknown.
  const rawEntries: [string, unknown][] = [];
  const secretKeys: SecretKey[] = [];
  for (const entry of source.entries) {
    if (entry.key.startsWith(`${ENGINE_NAMESPACE}:`)) continue;
    const decoded = decodeEntry(entry, source.stack);
    if ("problem" in decoded) {
      problems.push(decoded.problem);
      continue;
    }
    rawEntries.push([decoded.name, decoded.value]);
    if (entry.secret && isSecretKey(decoded.name)) secretKeys.push(decoded.name);
  }
  if (problems.length > 0) throw new ConfigError(source.description, problems);
  return parseStackConfig(Object.fromEntries(rawEntries), source.description, secretKeys);
}

/**
 * Validates the `dynamo-bench:*` keys of a stack (with the namespace prefix removed), already
 * decoded. Throws a ConfigError that names each field at fault and what it allows.
 */
export function parseStackConfig(raw: Record<string, unknown>, source: string, secretKeys: readonly SecretKey[] = []): StackConfig {
  const variant = z.enum(VARIANTS).safeParse(raw.variant);
  if (!variant.success) {
    const got = raw.variant === undefined ? "it is not set" : `got ${JSON.stringify(raw.variant)}`;
    throw new ConfigError(source, [`${configKey(["variant"])}: must be "agg" or "disagg" (${got})`]);
  }
  const parsed = stackSchema(variant.data).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => `${configKey([...issue.path, key])}: ${issue.message}`)
        : [`${configKey(issue.path)}: ${issue.message}`],
    );
    throw new ConfigError(source, problems);
  }
  const { graph } = parsed.data;
  const config: StackConfig = {
    ...parsed.data,
    graph: { ...graph, apiVersion: graph.apiVersion ?? storageVersion(graph) },
    secretKeys: [...new Set(secretKeys)],
  };
  const nameProblems = derivedNameProblems(config);
  if (nameProblems.length > 0) throw new ConfigError(source, nameProblems);
  return config;
}

/** The API version the graph's Dynamo release stores graphs in, which its operator answers in. */
function storageVersion(graph: { image: string; runtimeVersionOverride?: string }): "v1alpha1" | "v1beta1" {
  const storage = stackRelease({ graph }).dynamoGraphDeployment.storage;
  if (storage !== "v1alpha1" && storage !== "v1beta1") throw new Error(`the release table names storage version ${storage}`);
  return storage;
}

/**
 * Every name the stack and the operator derive from the config must be one Kubernetes accepts,
 * with the longest run id that can be drawn: rejected here, naming the field and its limit.
 */
function derivedNameProblems(config: StackConfig): string[] {
  const graph = config.graph.name;
  const broken = [...stackObjectNames(config, LONGEST_RUN_ID), ...operatorNames(config)].filter(
    ({ rule, name }) => !followsNameRule(rule, name),
  );
  const overflow = (derived: DerivedName) => derived.name.length - nameRuleMaxLength(derived.rule);
  const problems: string[] = [];
  const byGraph = broken.filter((derived) => derived.field === "graph.name");
  if (byGraph.length > 0) {
    const worst = byGraph.reduce((a, b) => (overflow(b) > overflow(a) ? b : a));
    const fix = overflow(worst) > 0 ? `use at most ${graph.length - overflow(worst)} characters` : `it must be ${nameRuleText(worst.rule)}`;
    problems.push(
      `${configKey(["graph", "name"])}: "${graph}" (${graph.length} characters) makes ${worst.what} "${worst.shown}" ` +
        `(${worst.name.length} characters), which Kubernetes holds to ${nameRuleMaxLength(worst.rule)}; ${fix}`,
    );
  }
  for (const derived of broken.filter((derived) => derived.field === "namespace")) {
    problems.push(
      `${configKey(["namespace"])}: with graph.name "${graph}", ${derived.what} is "${derived.shown}" ` +
        `(${derived.name.length} characters; at most ${nameRuleMaxLength(derived.rule)}): shorten the namespace or graph.name`,
    );
  }
  return problems;
}
