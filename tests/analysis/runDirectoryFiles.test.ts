import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { RUN_DIRECTORY_FILES } from "../../analysis/runs/runDirectoryFiles";
import { jsonSchemaText, SCHEMAS_DIR } from "../../scripts/generate-json-schemas";

const example = (name: string) => readFileSync(join(SCHEMAS_DIR, "examples", name), "utf8");

describe("the published JSON Schemas of a run directory's files", () => {
  for (const file of RUN_DIRECTORY_FILES) {
    test(`${file.file}: docs/schemas/${file.name}.schema.json is what npm run docs writes from its model`, () => {
      assert.equal(readFileSync(join(SCHEMAS_DIR, `${file.name}.schema.json`), "utf8"), jsonSchemaText(file), "stale: run npm run docs");
    });

    test(`${file.file}: its example carries a kind and a schemaVersion, validates against the schema and is read`, () => {
      const text = example(`${file.name}.json`);
      const value = JSON.parse(text);
      assert.equal(typeof value.kind, "string");
      assert.ok(Number.isSafeInteger(value.schemaVersion));
      // The schema's date-time format is also a pattern, which Ajv checks without a format plugin.
      const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(
        JSON.parse(readFileSync(join(SCHEMAS_DIR, `${file.name}.schema.json`), "utf8")),
      );
      assert.ok(validate(value), JSON.stringify(validate.errors));
      file.read(text);
    });

    test(`${file.file}: the schema refuses another kind, and dynamo-bench refuses a newer version`, () => {
      const value = JSON.parse(example(`${file.name}.json`));
      const validate = new Ajv2020({ validateFormats: false }).compile(
        JSON.parse(readFileSync(join(SCHEMAS_DIR, `${file.name}.schema.json`), "utf8")),
      );
      assert.equal(validate({ ...value, kind: "something else" }), false);
      assert.throws(() => file.read(JSON.stringify({ ...value, schemaVersion: value.schemaVersion + 1 })));
    });
  }

  const byName = Object.fromEntries(RUN_DIRECTORY_FILES.map((file) => [file.name, file]));
  test("older versions still load: a run.json from before versions, and a summary.json of version 1", () => {
    const run = byName.run.read(example("older/run.v0.json")) as Record<string, unknown>;
    assert.equal(run.stack, "disagg");
    assert.equal(run.savedAt, undefined);
    const summary = byName.summary.read(example("older/summary.v1.json")) as Record<string, unknown>;
    assert.equal(summary.kind, "dynamo-bench summary");
    assert.equal(summary.schemaVersion, 2);
    assert.deepEqual(
      { ...summary, kind: undefined, schemaVersion: undefined },
      { ...JSON.parse(example("summary.json")), kind: undefined, schemaVersion: undefined },
      "version 1 reads as the same summary",
    );
  });
});
