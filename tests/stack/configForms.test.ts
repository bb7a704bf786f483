import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { configKeys, type ConfigKey } from "../../stack/config/configKeys";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { VARIANTS, type Variant } from "../../stack/config/schema";
import type { FieldKind } from "../../stack/config/fields";
import { configSet, type ConfigSetCommand, type StoredConfig } from "../support/pulumiConfigSet";
import { readBothWays, stackFileDir, type Reading } from "../support/bothPaths";
import { docPage } from "../support/docs";

const { dir, cleanup } = stackFileDir();
after(cleanup);

/** What a user would type for keys without a default; every other key is tried with its default. */
const SAMPLES: Record<string, string[]> = {
  kubeContext: ["h200-cluster", "2024", "null", "true"],
  hfTokenSecretName: ["team-hf", "hf.token"],
  "storage.storageClassName": ["nfs-client", "2024"],
  "benchmark.fixedScheduleEndOffsetMs": ["300000"],
  "benchmark.runKey": ["2", "007", "true", "run two"],
  "frontend.cpu": ["8", "0.5", "500m"],
  "graph.runtimeVersionOverride": ["1.3.1"],
  namespace: ["2024", "team-a"],
};

function get(config: unknown, path: string[]): unknown {
  return path.reduce<any>((value, key) => value?.[key], config);
}

function nested(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function samplesOf(variant: Variant, key: ConfigKey): string[] {
  const name = key.path.join(".");
  const value = get(parseStackConfig({ variant }, "defaults"), key.path);
  return [...(value === undefined ? [] : [String(value)]), ...(SAMPLES[name] ?? [])];
}

/** Every way the Pulumi CLI can store a value the user typed as `sample`, for a key of this kind. */
function commandsFor(key: ConfigKey, sample: string): ConfigSetCommand[] {
  const name = key.path.join(".");
  if (key.path.length === 1) {
    return [
      { key: name, value: sample, path: false, secret: false },
      { key: name, value: sample, path: false, secret: false, type: "string" },
    ];
  }
  const typedAs: Record<FieldKind, string[]> = {
    text: ["string"],
    number: ["float", "string"],
    "whole number": ["int", "string"],
    "true/false": ["bool", "string"],
  };
  return [
    { key: name, value: sample, path: true, secret: false },
    ...typedAs[key.kind].map((type) => ({ key: name, value: sample, path: true, secret: false, type })),
  ];
}

/** The value the user meant by `sample`, in the key's kind. */
function meant(kind: FieldKind, sample: string): unknown {
  if (kind === "number" || kind === "whole number") return Number(sample);
  if (kind === "true/false") return sample === "true";
  return sample;
}

function valueOf(readingOf: Reading, path: string[]): unknown {
  assert.ok("config" in readingOf, `rejected: ${"problems" in readingOf ? readingOf.problems.join("; ") : ""}`);
  return get(readingOf.config, path);
}

for (const variant of VARIANTS) {
  describe(`every ${variant} key takes each form in which \`pulumi config set\` stores it, read alike by render and pulumi up`, () => {
    for (const key of configKeys(variant).filter((k) => !["variant", "hfToken"].includes(k.path[0]))) {
      const name = key.path.join(".");
      test(`${name} (${key.kind})`, () => {
        const samples = samplesOf(variant, key);
        assert.ok(samples.length > 0, `no sample value for ${name}`);
        for (const sample of samples) {
          for (const command of commandsFor(key, sample)) {
            const stored: StoredConfig = configSet({ "dynamo-bench:variant": variant }, command);
            const { render, pulumi } = readBothWays(dir, variant, stored);
            const flags = `${command.path ? " --path" : ""}${command.type ? ` --type ${command.type}` : ""}`;
            const how = `pulumi config set${flags} ${name} ${sample}`;
            assert.deepEqual(valueOf(render, key.path), meant(key.kind, sample), `render, after ${how}`);
            assert.deepEqual(valueOf(pulumi, key.path), meant(key.kind, sample), `pulumi up, after ${how}`);
          }
        }
      });
    }
  });
}

describe("forms a key does not take are refused, naming the key", () => {
  const refused: Record<FieldKind, unknown[]> = {
    text: ["", null, [], {}, 2 ** 60],
    number: ["", "0.9x", true, [], {}, 0, -1],
    "whole number": ["", "eight", "2.5", 2.5, -1, 2 ** 31, true, []],
    "true/false": ["", "yes", "True", "1", 1, 0, []],
  };
  for (const key of configKeys("disagg").filter((k) => k.path.length > 1)) {
    const name = key.path.join(".");
    test(`${name} (${key.kind})`, () => {
      for (const value of refused[key.kind]) {
        assert.throws(
          () => parseStackConfig({ variant: "disagg", ...nested(key.path, value) }, "test"),
          (error: Error) => error.message.includes(`dynamo-bench:${name}: `),
          `${JSON.stringify(value)} for ${name}`,
        );
      }
    });
  }
});

describe("the documented table of forms (docs/configuration.md)", () => {
  const page = docPage("configuration.md");
  const section = page.slice(page.indexOf("## The forms each key takes"));
  const rows = section
    .split("\n")
    .slice(1)
    .filter((line) => /^\| (text|number|whole number|true\/false) \|/.test(line));

  test("names the kind of every key, as the schema holds it", () => {
    const documented = new Map<string, string>();
    for (const row of rows) {
      const kind = row.split("|")[1].trim();
      for (const match of row.split("|")[2].matchAll(/`([^`]+)`/g)) documented.set(match[1], kind);
    }
    const actual = new Map<string, string>();
    for (const variant of VARIANTS) for (const key of configKeys(variant)) actual.set(key.path.join("."), key.kind);
    assert.deepEqual([...documented.entries()].sort(), [...actual.entries()].sort());
  });
});
