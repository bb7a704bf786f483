import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { configKeys } from "../../stack/config/configKeys";
import { KEY_DESCRIPTIONS } from "../../stack/config/keyDescriptions";
import { VARIANTS } from "../../stack/config/schema";
import { CONFIG_DOC, withKeyTable } from "../../scripts/generate-config-docs";

test("docs/configuration.md's key table is what the schema writes (npm run docs)", () => {
  const page = readFileSync(CONFIG_DOC, "utf8");
  assert.ok(page === withKeyTable(page), "stale: regenerate it with npm run docs");
});

test("every key of the schema is described, and every description names a key of the schema", () => {
  const keys = new Set(VARIANTS.flatMap((variant) => configKeys(variant).map(({ path }) => path.join("."))));
  assert.deepEqual(Object.keys(KEY_DESCRIPTIONS).sort(), [...keys].sort());
});
