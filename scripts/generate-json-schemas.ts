// Writes docs/schemas/<name>.schema.json, the JSON Schema of each file that results/<stack>/<run-id>/
// holds, from the zod models that read them (analysis/runs/runDirectoryFiles.ts). zod's checks that
// JSON Schema cannot say (that p50 ≤ p90, that counts add up) are not in them; the models hold them.
// `npm test` fails when a schema is not what this writes.
//
// Usage: npm run docs
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { RUN_DIRECTORY_FILES, type RunDirectoryFile } from "../analysis/runs/runDirectoryFiles";
import { PROJECT_ROOT } from "../lib/projectRoot";

export const SCHEMAS_DIR = join(PROJECT_ROOT, "docs", "schemas");

/** The published JSON Schema of one file, as text. */
export function jsonSchemaText(file: RunDirectoryFile): string {
  const schema = z.toJSONSchema(file.schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  const published = { ...schema, title: file.file, description: file.description };
  return `${JSON.stringify(published, null, 2)}\n`;
}

if (require.main === module) {
  for (const file of RUN_DIRECTORY_FILES) {
    const path = join(SCHEMAS_DIR, `${file.name}.schema.json`);
    writeFileSync(path, jsonSchemaText(file));
    process.stderr.write(`wrote ${path}\n`);
  }
}
