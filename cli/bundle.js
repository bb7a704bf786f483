// Builds the CLI into one JavaScript file, so that a command does not compile TypeScript each time
// it starts, and records the files it was built from with their modification times. `npm run build`
// runs it; so does the launcher, when there is no bundle yet or a file it was built from changed.
"use strict";
const { mkdirSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const BUNDLE = join(root, "node_modules", ".cache", "dynamo-bench", "cli.js");
/** The bundle's inputs, relative to the root, with their mtimes when it was built. */
const INPUTS = `${BUNDLE}.inputs.json`;
/** Edited without being imported, these change the bundle too: its build options and its version. */
const BUILD_FILES = ["cli/bundle.js", "cli/launch.js", "package.json"];
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

/** Builds the bundle and its list of inputs; renaming into place keeps a starting process from reading half of either. */
async function buildBundle() {
  mkdirSync(join(BUNDLE, ".."), { recursive: true });
  const building = `${BUNDLE}.${process.pid}.tmp`;
  const result = await require("esbuild").build({
    entryPoints: [join(root, "cli", "main.ts")],
    outfile: building,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    plugins: [bundleOnly(BUNDLED_PACKAGES)],
    define: { "process.env.DYNAMO_BENCH_BUNDLED_ROOT": JSON.stringify(root) },
    metafile: true,
    logLevel: "error",
  });
  const files = [...Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/")), ...BUILD_FILES];
  const inputs = Object.fromEntries(files.map((file) => [file, statSync(join(root, file)).mtimeMs]));
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(building, BUNDLE);
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
}

module.exports = { BUNDLE, INPUTS, buildBundle, root };

if (require.main === module) {
  buildBundle().then(
    () => process.stderr.write(`wrote ${BUNDLE}\n`),
    () => (process.exitCode = 1),
  );
}
