import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../cli/stackFiles";

const NOT_SOURCE = new Set(["node_modules", "tests", "bench", "results", "manifests", "examples", "traces", "scripts"]);

/** The program's TypeScript files, relative to the root. */
function sourceFiles(dir = PROJECT_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || NOT_SOURCE.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative(PROJECT_ROOT, path)] : [];
  });
}

/** The modules a file imports: packages by name, project files by their path from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), "utf8");
  const specs = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|require\("([^"]+)"\)/g;
  return [...text.matchAll(specs)].map(([, from, bare, required]) => {
    const spec = from ?? bare ?? required;
    if (!spec.startsWith(".")) return spec;
    const path = relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), spec));
    return path.endsWith(".json") ? path : `${path}.ts`;
  });
}

test("the builders are pure: no file, process or compiler is touched while building objects", () => {
  const builders = sourceFiles().filter((file) => file.startsWith("builders/"));
  assert.ok(builders.length > 10);
  for (const file of builders) {
    const impure = importsOf(file).filter((spec) => /^(node:)?(fs|fs\/promises|child_process|net|http|https)$|^esbuild$/.test(spec));
    assert.deepEqual(impure, [], `${file} imports ${impure.join(", ")}`);
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
