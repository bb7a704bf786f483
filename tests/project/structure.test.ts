import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";

/**
 * The layers of the source, bottom to top, and the folders each may import from. A layer never imports
 * one above it; within a layer, its folders form no cycle. The stack may read and save results, and
 * the simulator may read a stack's config, but the stack never loads the simulator.
 */
const LAYERS: Record<string, readonly string[]> = {
  lib: [],
  domain: ["lib"],
  analysis: ["domain", "lib"],
  stack: ["analysis/runs", "analysis/summary", "domain", "lib"],
  sim: ["stack/config", "stack/schemas", "analysis", "domain", "lib"],
  cluster: ["stack", "analysis", "domain", "lib"],
  cli: ["cluster", "sim", "stack", "analysis", "domain", "lib"],
};
/** Folders at the root that are not source: they may import any layer, and no layer imports them. */
const NOT_SOURCE = new Set(["node_modules", "tests", "bench", "results", "manifests", "examples", "traces", "scripts", "docs"]);

/** The program's TypeScript files, relative to the root: those of the layers. */
function sourceFiles(dir = PROJECT_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || (dir === PROJECT_ROOT && !(entry.name in LAYERS))) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative(PROJECT_ROOT, path)] : [];
  });
}

/**
 * The modules a file imports: packages by name, project files by their path from the root. With
 * `runtimeOnly`, less `import type`, which leaves nothing at run time.
 */
function importsOf(file: string, { runtimeOnly = false } = {}): string[] {
  let text = readFileSync(join(PROJECT_ROOT, file), "utf8");
  if (runtimeOnly) text = text.replace(/(?:^|\n)\s*import\s+type\s[^;]*;/g, "\n");
  const specs = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|require\("([^"]+)"\)/g;
  return [...text.matchAll(specs)].map(([, from, bare, required]) => {
    const spec = from ?? bare ?? required;
    if (!spec.startsWith(".")) return spec;
    const path = relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), spec));
    return path.endsWith(".json") ? path : `${path}.ts`;
  });
}

const IMPURE = /^(node:)?(fs|fs\/promises|child_process|net|http|https)$|^esbuild$/;

test("the builders are pure: nothing they run touches a file, a process, the network or a compiler", () => {
  const files = new Set(sourceFiles());
  const builders = [...files].filter((file) => file.startsWith("stack/builders/"));
  assert.ok(builders.length > 10);
  for (const builder of builders) {
    // Everything the builder's code runs, through the project's own modules.
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const spec of importsOf(file, { runtimeOnly: true })) if (files.has(spec)) visit(spec);
    };
    visit(builder);
    for (const file of reached) {
      const impure = importsOf(file, { runtimeOnly: true }).filter((spec) => IMPURE.test(spec));
      assert.deepEqual(impure, [], `${builder} runs ${file}, which imports ${impure.join(", ")}`);
    }
  }
});

test("no module imports itself through others: the modules form no cycle", () => {
  const files = new Set(sourceFiles());
  const edges = new Map([...files].map((file) => [file, importsOf(file).filter((spec) => files.has(spec))]));
  const done = new Set<string>();
  const visit = (file: string, path: string[]) => {
    if (path.includes(file)) assert.fail(`import cycle: ${[...path.slice(path.indexOf(file)), file].join(" → ")}`);
    if (done.has(file)) return;
    for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
});

/** The layer of a source file, and its folder: `stack/config/schema.ts` is in stack, folder stack/config. */
function placeOf(file: string): { layer: string; folder: string } {
  const parts = file.split("/");
  return { layer: parts[0], folder: parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0] };
}

test("every file of the root is a project file: the source is in its layers' folders", () => {
  const loose = readdirSync(PROJECT_ROOT, { withFileTypes: true }).filter(
    (entry) => entry.isFile() && /\.(ts|js|mjs|cjs)$/.test(entry.name) && entry.name !== "eslint.config.mjs",
  );
  assert.deepEqual(
    loose.map((entry) => entry.name),
    [],
  );
  const folders = readdirSync(PROJECT_ROOT, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith("."));
  const unknown = folders.map((entry) => entry.name).filter((name) => !(name in LAYERS) && !NOT_SOURCE.has(name));
  assert.deepEqual(unknown, [], "a folder at the root is either a layer (LAYERS) or not source (NOT_SOURCE)");
});

test("each layer imports only the layers below it, as LAYERS states", () => {
  const files = new Set(sourceFiles());
  const wrong: string[] = [];
  for (const file of files) {
    const { layer, folder } = placeOf(file);
    for (const spec of importsOf(file).filter((spec) => files.has(spec))) {
      const target = placeOf(spec);
      if (target.layer === layer) continue;
      if (!LAYERS[layer].some((allowed) => target.folder === allowed || target.layer === allowed)) {
        wrong.push(`${file} (${folder}) imports ${spec} (${target.folder})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test("within a layer, its folders form no cycle", () => {
  const files = new Set(sourceFiles());
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const from = placeOf(file);
    for (const spec of importsOf(file).filter((spec) => files.has(spec))) {
      const to = placeOf(spec);
      if (to.folder !== from.folder) edges.set(from.folder, (edges.get(from.folder) ?? new Set()).add(to.folder));
    }
  }
  const done = new Set<string>();
  const visit = (folder: string, path: string[]) => {
    if (path.includes(folder)) assert.fail(`folder cycle: ${[...path.slice(path.indexOf(folder)), folder].join(" → ")}`);
    if (done.has(folder)) return;
    for (const next of edges.get(folder) ?? []) visit(next, [...path, folder]);
    done.add(folder);
  };
  for (const folder of edges.keys()) visit(folder, []);
});

test("the Pulumi program loads neither the simulator nor chart code", () => {
  const files = new Set(sourceFiles());
  const reached = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const spec of importsOf(file, { runtimeOnly: true })) {
      if (files.has(spec)) visit(spec);
      else
        packages.add(
          spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  };
  visit("stack/index.ts");
  assert.ok(reached.has("stack/hooks/benchmarkHooks.ts"), "the walk reaches the post-run hook");
  assert.deepEqual(
    [...reached].filter((file) => file.startsWith("sim/") || file.startsWith("cli/") || /chart/i.test(file)),
    [],
  );
  assert.deepEqual(
    [...packages].filter((name) => ["echarts", "esbuild", "zrender"].includes(name)),
    [],
  );
});

const MAX_LINE = 140;
/** Not walked: git's own folder, installed packages, and the git-ignored folders of results and traces. */
const NOT_WALKED = new Set([".git", "node_modules", "results", "traces"]);
/** Generated, and so free of the limit: the summary bundle and the Dynamo CRD models. */
const GENERATED = new Set(["stack/builders/scripts/summarize.js", "stack/schemas/dynamo"]);
const SCRIPT = /\.(ts|mjs|js|py|sh)$/;

/** Every script in the repository, in any language, less generated ones, relative to the root. */
function scriptFiles(dir = PROJECT_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const file = relative(PROJECT_ROOT, path).split(sep).join("/");
    if (NOT_WALKED.has(entry.name) || GENERATED.has(file)) return [];
    if (entry.isDirectory()) return scriptFiles(path);
    return SCRIPT.test(entry.name) ? [file] : [];
  });
}

test(`no line of a script is longer than ${MAX_LINE} characters, which prettier cannot break in a literal`, () => {
  const files = scriptFiles();
  assert.ok(files.includes("tests/project/structure.test.ts") && files.includes("eslint.config.mjs"));
  const long = files.flatMap((file) =>
    readFileSync(join(PROJECT_ROOT, file), "utf8")
      .split("\n")
      .flatMap((line, index) => (line.length > MAX_LINE ? [`${file}:${index + 1} (${line.length} characters)`] : [])),
  );
  assert.deepEqual(long, [], `lines longer than ${MAX_LINE} characters:\n${long.join("\n")}`);
});
