import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { configSet, type StoredConfig } from "./pulumiConfigSet";

/**
 * A stand-in for the engine's reading of Pulumi.yaml, written from Pulumi's source apart from the CLI's
 * own reader (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * - sdk/go/common/workspace/paths.go `ProjectStackPath`: stack files are in stackConfigDir, below the
 *   project's folder; project.go `RewriteConfigPathIntoStackConfigDir`: a text `config:` names it.
 * - project.go `RewriteShorthandConfigValues`: a text, number, boolean or list is a default.
 * - pkg/workspace/config.go `mergeConfig`: keys in sorted order; one the stack does not set takes the
 *   default or value, set as a path (map.go `Set`: a text set below the root is coerced, as
 *   `pulumi config set --path` coerces it); one of this project with neither stops the update.
 */

const PROJECT = "dynamo-bench";

type Declaration = { default?: unknown; value?: unknown };

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface ProjectSettings {
  stackFile: (stack: string) => string;
  /** The stored config of a stack as the engine hands it on: with Pulumi.yaml's defaults in it. */
  apply: (stored: StoredConfig) => StoredConfig;
}

export function projectSettings(root: string): ProjectSettings {
  const project = yaml.load(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const folder = typeof project.config === "string" ? project.config : ((project.stackConfigDir as string | undefined) ?? "");
  const declarations = isPlainMap(project.config) ? project.config : {};
  return {
    stackFile: (stack) => join(root, folder, `Pulumi.${stack}.yaml`),
    apply: (stored) => {
      let result: StoredConfig = structuredClone(stored);
      for (const written of Object.keys(declarations).sort()) {
        const raw = declarations[written];
        const fallback = isPlainMap(raw) ? ((raw as Declaration).default ?? (raw as Declaration).value) : raw;
        const key = written.includes(":") ? written : `${PROJECT}:${written}`;
        const [rootKey, ...below] = key.split(".");
        let found = Object.hasOwn(result, rootKey);
        let container: unknown = result[rootKey];
        for (const segment of below) {
          found = found && isPlainMap(container) && Object.hasOwn(container, segment);
          container = found ? (container as Record<string, unknown>)[segment] : undefined;
        }
        if (found) continue;
        if (fallback === undefined) {
          if (key.startsWith(`${PROJECT}:`)) throw new Error(`Stack is missing configuration value '${written}'`);
          continue;
        }
        const primitive = ["string", "number", "boolean"].includes(typeof fallback);
        if (below.length === 0) {
          result[rootKey] = (primitive ? String(fallback) : fallback) as StoredConfig[string];
        } else if (primitive) {
          result = configSet(result, { key, value: String(fallback), path: true, secret: false });
        } else {
          result = configSet(result, { key, value: "placeholder", path: true, secret: false });
          let holder = result[rootKey] as Record<string, unknown>;
          for (const segment of below.slice(0, -1)) holder = holder[segment] as Record<string, unknown>;
          holder[below.at(-1)!] = fallback;
        }
      }
      return result;
    },
  };
}
