// Runs the project's TypeScript in Node for the tests, benches and scripts: `node --require
// ./tests/support/typescript.cjs <file.ts>`. The first process compiles every .ts file of the project
// with one esbuild call, into the scratch directory (./scratchTmp.cjs); it and every process it starts
// then load the compiled files, with no compiler of their own. A file whose time or size is not what
// it was then (saved since, or copied with an older time), or outside the project, is compiled when
// it is loaded; a file that does not compile fails only what loads it. The project is CommonJS, so a
// require() hook is all it takes. Stack traces give the compiled lines; NODE_OPTIONS=
// --enable-source-maps maps them to the TypeScript's lines, at 10 s of CPU over the suite.
// tsx did this with an esbuild service and a cache per process: twice the start-up cost for each of
// the suite's ~130 processes (docs/development.md, "Tests").
"use strict";
require("./scratchTmp.cjs");
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");

const COMPILED = "DYNAMO_BENCH_COMPILED";
const PROJECT_ROOT = join(__dirname, "..", "..");
const OPTIONS = { format: "cjs", platform: "node", target: "node20", sourcemap: "inline", logLevel: "error" };

/** Every .ts file of the project, skipping node_modules and hidden folders. */
function typeScriptFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) typeScriptFiles(path, found);
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** What identifies a version of a file: its modification time and size, compared for equality. */
function versionOf(path) {
  try {
    const { mtimeMs, size } = statSync(path);
    return `${mtimeMs}:${size}`;
  } catch {
    return undefined;
  }
}

if (!process.env[COMPILED]) {
  const outdir = join(process.env.DYNAMO_BENCH_SCRATCH, "compiled");
  const files = typeScriptFiles(PROJECT_ROOT);
  // Taken before the build, so that a file saved while it runs differs from its entry.
  const versions = Object.fromEntries(files.map((file) => [file, versionOf(file)]));
  try {
    // The compiled tree mirrors absolute paths, so a copy of the project elsewhere maps the same way.
    require("esbuild").buildSync({ ...OPTIONS, logLevel: "silent", entryPoints: files, outdir, outbase: "/" });
  } catch {
    // A file that does not compile fails only what loads it, with esbuild's message, below.
    for (const file of files) delete versions[file];
  }
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, "versions.json"), JSON.stringify(versions));
  process.env[COMPILED] = outdir;
}
const outdir = process.env[COMPILED];
const prebuilt = JSON.parse(readFileSync(join(outdir, "versions.json"), "utf8"));

function compile(filename) {
  const version = versionOf(filename);
  if (version !== undefined && prebuilt[filename] === version) return readFileSync(join(outdir, filename.replace(/\.ts$/, ".js")), "utf8");
  // Any other version is compiled once, under a name of its own.
  const compiled = join(outdir, `${filename}.${version}.js`);
  try {
    return readFileSync(compiled, "utf8");
  } catch {
    // not compiled yet
  }
  const { code } = require("esbuild").transformSync(readFileSync(filename, "utf8"), { ...OPTIONS, loader: "ts", sourcefile: filename });
  try {
    mkdirSync(dirname(compiled), { recursive: true });
    const partial = `${compiled}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, compiled);
  } catch {
    // Another user's process (tests/support/unreadable.ts) cannot write here; it compiles again next time.
  }
  return code;
}

Module._extensions[".ts"] = (module, filename) => module._compile(compile(filename), filename);
