// Runs the project's TypeScript in Node for the tests, benches and scripts: `node --require
// ./tests/support/typescript.cjs <file.ts>`. The first process compiles every .ts file of the project
// with one esbuild call, into the scratch directory (./scratchTmp.cjs); it and every process it starts
// then load the compiled files, with no compiler of their own. A file saved since, or outside the
// project, is compiled when it is loaded. The project is CommonJS, so a require() hook is all it takes.
// Stack traces give the compiled lines; NODE_OPTIONS=--enable-source-maps maps them back to the
// TypeScript, at 10 s of CPU over the suite, as Node then reads every module's source map comment.
// tsx did this with an esbuild service and a cache per process: twice the start-up cost for each of
// the suite's ~130 processes (docs/development.md, "How fast the suite is").
"use strict";
require("./scratchTmp.cjs");
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join, resolve } = require("node:path");

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

/**
 * A compiled file carries, as its modification time, the moment its compiler began to read: so a
 * source saved while it compiled is newer than it, and is compiled again when it is loaded.
 */
function dateFromStart(files, started) {
  for (const file of files) utimesSync(file, started, started);
}

if (!process.env[COMPILED]) {
  const outdir = join(process.env.DYNAMO_BENCH_SCRATCH, "compiled");
  const started = new Date();
  // The compiled tree mirrors absolute paths, so a copy of the project elsewhere maps the same way.
  const { metafile } = require("esbuild").buildSync({
    ...OPTIONS,
    entryPoints: typeScriptFiles(PROJECT_ROOT),
    outdir,
    outbase: "/",
    metafile: true,
  });
  dateFromStart(
    Object.keys(metafile.outputs).map((output) => resolve(output)),
    started,
  );
  process.env[COMPILED] = outdir;
}
const outdir = process.env[COMPILED];

function modifiedMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function compile(filename) {
  const compiled = join(outdir, filename.replace(/\.ts$/, ".js"));
  if (modifiedMs(compiled) > modifiedMs(filename)) return readFileSync(compiled, "utf8");
  const started = new Date();
  const { code } = require("esbuild").transformSync(readFileSync(filename, "utf8"), { ...OPTIONS, loader: "ts", sourcefile: filename });
  try {
    mkdirSync(dirname(compiled), { recursive: true });
    const partial = `${compiled}.${process.pid}`;
    writeFileSync(partial, code);
    dateFromStart([partial], started);
    renameSync(partial, compiled);
  } catch {
    // Another user's process (tests/support/unreadable.ts) cannot write here; it compiles again next time.
  }
  return code;
}

Module._extensions[".ts"] = (module, filename) => module._compile(compile(filename), filename);
