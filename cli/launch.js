#!/usr/bin/env node
// Runs the CLI from one JavaScript bundle, rebuilt by esbuild whenever a source file is newer than
// it, so that a command does not compile TypeScript each time it starts. It is the package's bin,
// `npx dynamo-bench`; `npm run cli` runs it too.
"use strict";
const { mkdirSync, readdirSync, renameSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const bundle = join(root, "node_modules", ".cache", "dynamo-bench", "cli.js");
const NOT_SOURCE = new Set(["node_modules", "tests", "bench", "results", "manifests"]);
// Bundled rather than loaded from node_modules, where zod/mini's many modules took 30 ms to load:
// a seventh of `trace stats` on a 33 MB trace. The rest stay external: classic zod carries every
// locale, and the SDKs are large and needed by few commands.
const BUNDLED_PACKAGES = new Set(["zod/mini", "zod/v4/locales", "commander"]);

/** An esbuild plugin that leaves every package import external except those named. */
function bundleOnly(packages) {
  return {
    name: "bundle-only",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => (packages.has(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}

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

async function build() {
  mkdirSync(join(bundle, ".."), { recursive: true });
  const building = `${bundle}.${process.pid}.tmp`;
  await require("esbuild").build({
    entryPoints: [join(root, "cli", "main.ts")],
    outfile: building,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    plugins: [bundleOnly(BUNDLED_PACKAGES)],
    define: { "process.env.DYNAMO_BENCH_BUNDLED_ROOT": JSON.stringify(root) },
    logLevel: "error",
  });
  // Renaming is atomic: processes that start together never read a half-written bundle.
  renameSync(building, bundle);
}

// This file holds the build options and package.json the version, so editing either makes the bundle stale.
if (bundleMs() < Math.max(newestSourceMs(), statSync(__filename).mtimeMs, statSync(join(root, "package.json")).mtimeMs)) {
  // esbuild has already printed why the build failed.
  build().then(
    () => require(bundle),
    () => process.exit(1),
  );
} else {
  require(bundle);
}
