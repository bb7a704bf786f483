// Runs the CLI from one JavaScript bundle, rebuilt by esbuild whenever a source file is newer than
// it, so that a command does not compile TypeScript each time it starts. `npm run cli` runs this.
"use strict";
const { mkdirSync, readdirSync, renameSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const bundle = join(root, "node_modules", ".cache", "dynamo-bench", "cli.js");
const NOT_SOURCE = new Set(["node_modules", "tests", "bench", "results", "manifests"]);

/** The newest modification time of the TypeScript sources, in every folder the CLI may import from. */
function newestSourceMs(dir = root) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || NOT_SOURCE.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleMs() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

if (bundleMs() < newestSourceMs()) {
  mkdirSync(join(bundle, ".."), { recursive: true });
  const building = `${bundle}.${process.pid}.tmp`;
  require("esbuild").buildSync({
    entryPoints: [join(root, "cli", "main.ts")],
    outfile: building,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    define: { "process.env.DYNAMO_BENCH_BUNDLED_ROOT": JSON.stringify(root) },
    logLevel: "error",
  });
  // Renaming is atomic: processes that start together never read a half-written bundle.
  renameSync(building, bundle);
}
require(bundle);
