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

/**
 * The file's bytes and documents, as Pulumi reads them: go-yaml v3.0.1 (the yaml.v3 Pulumi's sdk/go.mod
 * pins, read through sdk/go/common/encoding/marshal.go) decodes a UTF-16 file by its byte order mark
 * (readerc.go `yaml_parser_determine_encoding`) and `yaml.Unmarshal` reads the first document alone.
 */
describe("a stack file's encoding and documents, as go-yaml reads them", () => {
  const committed = "config:\n  dynamo-bench:variant: agg\n  dynamo-bench:namespace: team-a\n";
  const written = (bytes: Buffer) => {
    const path = join(dir, "Pulumi.agg.yaml");
    writeFileSync(path, bytes);
    return path;
  };
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  for (const [name, bytes] of [
    ["UTF-16 little-endian with its byte order mark", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(committed, "utf16le")])],
    ["UTF-16 big-endian with its byte order mark", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(committed)])],
    ["UTF-8 with its byte order mark", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(committed)])],
    ["a file ending in a --- line", Buffer.from(`${committed}---\n`)],
    ["a file ending in a ... line", Buffer.from(`${committed}...\n`)],
    [
      "a second document after ---, which yaml.Unmarshal never reads",
      Buffer.from(`${committed}---\nconfig:\n  dynamo-bench:namespace: other\n`),
    ],
    ["a --- before the document, and one after it", Buffer.from(`# a comment\n---\n${committed}--- # end\n`)],
    ["a ... before the document, which go-yaml's parser skips", Buffer.from(`...\n${committed}`)],
  ] as const) {
    test(`${name} is read`, () => {
      assert.equal(stackConfigFromFile(written(bytes)).namespace, "team-a");
    });
  }

  test("bytes that are no UTF-8, or a UTF-16 file cut mid-character, are refused in one line, as go-yaml refuses them", () => {
    const broken = Buffer.concat([Buffer.from(committed), Buffer.from([0xc3, 0x28, 0x0a])]);
    assert.deepEqual(
      problemsOf(() => stackConfigFromFile(written(broken))),
      ["cannot read the stack file: it is not UTF-8 text; save it as UTF-8"],
    );
    const cut = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(committed, "utf16le"), Buffer.from([0x41])]);
    assert.match(problemsOf(() => stackConfigFromFile(written(cut)))[0], /not UTF-16 \(its byte order mark says so\) text/);
  });

  test("a --- inside the document's text is no marker: only one at the start of a line, then a space or the line's end", () => {
    const path = written(Buffer.from(`${committed}  dynamo-bench:kubeContext: a---b\n---x: 1\n`.replace("---x: 1\n", "")));
    assert.equal(stackConfigFromFile(path).kubeContext, "a---b");
  });
});
