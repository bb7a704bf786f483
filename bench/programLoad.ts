// What `pulumi preview` pays to load the program, before and after a change: the program run under
// the Pulumi CLI's own ts-node loader (tests/support/pulumiLoader.js, type checks on, as `pulumi up`
// compiles it), timed as a whole process, and the project files and packages its imports reach.
// Usage: npm run bench -- bench/programLoad.ts [<base-ref>]   (default base: 0e9dbfe, before the layers)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../lib/projectRoot";

const baseRef = process.argv[2] ?? "0e9dbfe";
/** The first run of each tree compiles every file (ts-node keeps a cache in the temporary directory); the rest reuse it. */
const RUNS = 4;

/** The project files, and the packages, that the program's entry reaches through its run-time imports. */
function reach(root: string, entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(root, file), "utf8").replace(/(?:^|\n)\s*import\s+type\s[^;]*;/g, "\n");
    const specs = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|require\("([^"]+)"\)/g;
    for (const [, from, bare, required] of text.matchAll(specs)) {
      const spec = from ?? bare ?? required;
      if (!spec.startsWith(".")) {
        if (!spec.startsWith("node:"))
          packages.add(
            spec
              .split("/")
              .slice(0, spec.startsWith("@") ? 2 : 1)
              .join("/"),
          );
        continue;
      }
      const path = relative(root, resolve(root, dirname(file), spec));
      const found = [`${path}.ts`, path, join(path, "index.ts")].find((candidate) => existsSync(join(root, candidate)));
      if (found?.endsWith(".ts")) visit(found);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages].sort() };
}

/** Seconds the loader took to compile and run the program for the disagg stack, one process each. */
function loadSeconds(root: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(root, "tests", "support", "pulumiLoader.js"), "disagg"], { encoding: "utf8" });
  if (result.status !== 0 || JSON.parse(result.stdout).error !== null) throw new Error(`${root}: ${result.stderr || result.stdout}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const base = join(tmpdir(), "base");
execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "add", "--detach", base, baseRef], { stdio: "ignore" });
try {
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(base, "node_modules"));
  const trees = [
    { name: `base ${baseRef}`, root: base, entry: existsSync(join(base, "stack", "index.ts")) ? "stack/index.ts" : "index.ts" },
    { name: "head", root: PROJECT_ROOT, entry: "stack/index.ts" },
  ];
  const times = new Map(trees.map((tree) => [tree.name, [] as number[]]));
  // Alternated, so that a machine that slows down or speeds up weighs on both alike.
  for (let run = 0; run < RUNS; run++) for (const tree of trees) times.get(tree.name)!.push(loadSeconds(tree.root));
  for (const tree of trees) {
    const { files, packages } = reach(tree.root, tree.entry);
    const simulator = files.filter((file) => /^(sim|trace)\//.test(file)).length;
    const charts = files.filter((file) => /chart/i.test(file)).length + (packages.includes("echarts") ? 1 : 0);
    const [cold, ...warm] = times.get(tree.name)!;
    console.log(
      `${tree.name}: ${cold.toFixed(2)} s to compile, load and run the program; ${median(warm).toFixed(2)} s with ts-node's cache ` +
        `(median of ${warm.length}); ` +
        `reaches ${files.length} project files (${simulator} of the simulator, ${charts} of charts); packages: ${packages.join(", ")}`,
    );
  }
  const [before, after] = trees.map((tree) => times.get(tree.name)!);
  const cached = median(after.slice(1)) / median(before.slice(1));
  console.log(`head / base: ${(after[0] / before[0]).toFixed(2)}× compiling, ${cached.toFixed(2)}× cached`);
} finally {
  execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "remove", "--force", base], { stdio: "ignore" });
}
