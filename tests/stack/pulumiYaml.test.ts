import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackFile, stackConfigFromFile } from "../../stack/config/stackFile";
import { pulumiConfigEntries } from "../../stack/config/pulumiConfig";
import { ConfigError, readStackConfig } from "../../stack/config/stackConfig";
import { stackFileDir } from "../support/bothPaths";

const { dir, cleanup } = stackFileDir();
after(cleanup);

function fileWith(lines: string): string {
  const path = join(dir, "Pulumi.agg.yaml");
  writeFileSync(path, `config:\n  dynamo-bench:variant: agg\n${lines}`);
  return path;
}

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("accepted");
}

/**
 * What the Pulumi engine hands a program for a plain scalar in a stack file, worked out by hand from
 * go-yaml v3's resolve.go (go-yaml/yaml @ f6f7691b1fdeb513f56608cd2c32c51f8194bf51: ParseInt(s, 0, 64)
 * after removing "_", then ParseUint, then yamlStyleFloat) and Pulumi's object.go `MarshalString`
 * (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8: numbers and booleans as their JSON).
 */
const ENGINE_TEXT: [string, string][] = [
  ["2024", "2024"],
  ["010", "8"],
  ["08", "8"],
  ["0x1F", "31"],
  ["0o17", "15"],
  ["0b101", "5"],
  ["-0x10", "-16"],
  ["1_000", "1000"],
  ["+5", "5"],
  ["-0", "0"],
  ["12345678901234567890", "12345678901234567890"],
  ["99999999999999999999", "100000000000000000000"],
  ["1.50", "1.5"],
  ["1e3", "1000"],
  [".5", "0.5"],
  ["1e400", "1e400"],
  ["1.5.0", "1.5.0"],
  ["True", "true"],
  ["FALSE", "false"],
  ["yes", "yes"],
  ["on", "on"],
  ["~", ""],
  ["null", ""],
  ["Null", ""],
  ["nULL", "nULL"],
  ['"010"', "010"],
  ["'true'", "true"],
  ["!!str 010", "010"],
  ["!!int 010", "8"],
  ["2024-13-01", "2024-13-01"],
];

describe("a stack file's scalars reach the program as the Pulumi engine hands them over", () => {
  for (const [yamlText, expected] of ENGINE_TEXT) {
    test(`${yamlText} → ${JSON.stringify(expected)}`, () => {
      const entries = readStackFile(fileWith(`  dynamo-bench:kubeContext: ${yamlText}\n`)).entries;
      assert.equal(entries.find((entry) => entry.key === "dynamo-bench:kubeContext")?.text, expected);
    });
  }

  test("numbers in a map keep Go's digits in the JSON the program parses: 010 replicas are 8", () => {
    const config = stackConfigFromFile(fileWith("  dynamo-bench:workers:\n    decode:\n      replicas: 010\n"));
    assert.equal(config.workers.decode.replicas, 8);
  });

  test("a key with no namespace is the project's, and the old <namespace>:config:<name> form is read", () => {
    const path = join(dir, "Pulumi.agg.yaml");
    writeFileSync(path, "config:\n  variant: agg\n  dynamo-bench:config:namespace: team-a\n");
    const config = stackConfigFromFile(path);
    assert.equal(config.variant, "agg");
    assert.equal(config.namespace, "team-a");
  });

  test("a YAML timestamp is refused by render and by pulumi up alike, with the fix", () => {
    const fromFile = problemsOf(() => stackConfigFromFile(fileWith("  dynamo-bench:benchmark:\n    runKey: 2024-01-01\n")));
    // The engine hands over what Go's time.String makes of it (object.go: `case time.Time: newObject(v.String())`).
    pulumi.runtime.setAllConfig(
      { "dynamo-bench:variant": "agg", "dynamo-bench:benchmark": '{"runKey":"2024-01-01 00:00:00 +0000 UTC"}' },
      [],
    );
    const fromEngine = problemsOf(() => readStackConfig({ description: "Pulumi.agg.yaml", stack: "agg", entries: pulumiConfigEntries() }));
    assert.deepEqual(fromEngine, fromFile);
    assert.match(fromFile[0], /dynamo-bench:benchmark\.runKey: is a YAML timestamp, .* quote it in the stack file/);
  });

  test(".inf and .nan, which Pulumi cannot hand over, are refused", () => {
    for (const value of [".inf", "-.Inf", ".nan"]) {
      assert.match(problemsOf(() => stackConfigFromFile(fileWith(`  dynamo-bench:kubeContext: ${value}\n`)))[0], /holds \.inf or \.nan/);
      assert.match(
        problemsOf(() => stackConfigFromFile(fileWith(`  dynamo-bench:model:\n    weightsGB: ${value}\n`)))[0],
        /holds \.inf or \.nan/,
      );
    }
  });

  test("a map or list where text goes is refused, by both readers", () => {
    assert.match(
      problemsOf(() => stackConfigFromFile(fileWith("  dynamo-bench:kubeContext: {a: b}\n")))[0],
      /dynamo-bench:kubeContext: must be text, not a map or list/,
    );
    pulumi.runtime.setAllConfig({ "dynamo-bench:variant": "agg", "dynamo-bench:kubeContext": '{"a":"b"}' }, []);
    assert.match(
      problemsOf(() => readStackConfig({ description: "x", stack: "agg", entries: pulumiConfigEntries() }))[0],
      /must be text, not a map or list/,
    );
  });
});
