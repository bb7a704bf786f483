import { buildSync } from "esbuild";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { PROJECT_ROOT } from "../../lib/projectRoot";

type WorkflowParser = typeof import("@actions/workflow-parser");

let loaded: WorkflowParser | undefined;

/**
 * GitHub's own workflow parser. It imports its JSON schema without an import attribute, which only a
 * bundler accepts (Node refuses it: ERR_IMPORT_ASSERTION_TYPE_MISSING), so it is bundled, once per process.
 */
export function workflowParser(): WorkflowParser {
  if (loaded) return loaded;
  const [bundle] = buildSync({
    stdin: { contents: 'export * from "@actions/workflow-parser";', resolveDir: PROJECT_ROOT },
    bundle: true,
    format: "cjs",
    platform: "node",
    write: false,
    logLevel: "error",
  }).outputFiles;
  const file = join(tmpdir(), `workflow-parser-${process.pid}.cjs`);
  writeFileSync(file, bundle!.contents);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is written at run time
  loaded = require(file) as WorkflowParser;
  return loaded;
}
