// Builds the CLI into one JavaScript file, so that a command does not compile TypeScript each time
// it starts, and records the files it was built from with their modification times. `npm run build`
// runs it; so does the launcher, when there is no bundle yet or a file it was built from changed.
"use strict";
const { mkdirSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
// DYNAMO_BENCH_CACHE_DIR puts it elsewhere in node_modules/, where it finds the packages it leaves out:
// the tests that break the bundle on purpose use their own.
const BUNDLE = join(process.env.DYNAMO_BENCH_CACHE_DIR || join(root, "node_modules", ".cache", "dynamo-bench"), "cli.js");
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

/**
 * Builds the bundle and its list of inputs; renaming into place keeps a starting process from reading
 * half of either. The list names the root the bundle was built for, and the bundle itself, so that a
 * copied or moved project, or a bundle removed or changed by hand, is built again.
 */
async function buildBundle() {
  const startedMs = Date.now();
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
    // The metafile names its inputs relative to this: the project's root, whichever directory the command was started in.
    absWorkingDir: root,
    logLevel: "error",
  });
  const files = [...Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/")), ...BUILD_FILES];
  // A file saved while esbuild read the sources may not be in this bundle: its time is left unmatched, so the next start builds again.
  const mtimes = files.map((file) => [file, statSync(join(root, file)).mtimeMs]).map(([file, ms]) => [file, ms >= startedMs ? -1 : ms]);
  renameSync(building, BUNDLE);
  const inputs = { root, files: Object.fromEntries([...mtimes, [BUNDLE, statSync(BUNDLE).mtimeMs]]) };
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
}

module.exports = { BUNDLE, INPUTS, buildBundle, root };

if (require.main === module) {
  buildBundle().then(
    () => process.stderr.write(`wrote ${BUNDLE}\n`),
    (error) => {
      // esbuild has already printed what in the source stopped it.
      if (!error.errors) process.stderr.write(`error: cannot build the CLI's bundle at ${BUNDLE}: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
