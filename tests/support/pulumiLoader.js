// Loads the program the way the Pulumi CLI's nodejs host does: from the directory and entry that
// Pulumi.yaml's `main`, or else package.json's, name (pkg/engine/project.go getPwdMain;
// sdk/nodejs/cmd/run/run.ts, pulumi/pulumi@1b59498), where Pulumi's own tsutils picks the TypeScript
// compiler and its vendored ts-node, registered with that directory's tsconfig.json and type checks
// on. Then runs it under mocks and prints a JSON summary.
// Usage: node pulumiLoader.js <stack> [--transpile-only]
// --transpile-only skips ts-node's type check (12 s of CPU), for the test suite: the options it
// would check with are then required to be the tsconfig.json's own, which `tsc --noEmit` in
// `npm run checks` checks the whole project with. bench/programLoad.ts loads with the check on.
const path = require("node:path");
const { createRequire } = require("node:module");

const root = path.resolve(__dirname, "..", "..");
const { main } = require("js-yaml").load(require("node:fs").readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
// Where the engine runs the program, and what it runs: Pulumi.yaml's main, or else package.json's.
const mainPath = main === undefined ? root : path.join(root, main);
const mainIsDirectory = require("node:fs").statSync(mainPath).isDirectory();
process.chdir(mainIsDirectory ? mainPath : path.dirname(mainPath));
const entry = mainIsDirectory ? path.join(mainPath, require(path.join(root, "package.json")).main) : mainPath;
if (entry !== path.join(root, "stack", "index.ts")) throw new Error(`the engine would run ${entry}, not stack/index.ts`);
const pulumiRun = createRequire(path.join(root, "node_modules/@pulumi/pulumi/cmd/run/run.js"));
const tsutils = pulumiRun("../../tsutils");
// The program's directory must hold the tsconfig.json: without one, ts-node would skip the project's options.
if (!require("node:fs").existsSync("tsconfig.json")) throw new Error(`no tsconfig.json in ${process.cwd()}`);
// The engine looks for the provider plugins' packages under the program's directory only.
for (const plugin of ["@pulumi/kubernetes", "@pulumi/random"]) {
  const manifest = path.join("node_modules", plugin, "package.json");
  if (!require("node:fs").existsSync(manifest)) throw new Error(`no ${manifest} in ${process.cwd()}: Pulumi would not find the plugin`);
}
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const strings = tsutils.typeScriptRequireStrings();
const typescript = pulumiRun.resolve(strings.typescriptRequire);
const tsnode = pulumiRun.resolve(strings.tsnodeRequire);

// ts-node's defaults under the project's options (sdk/nodejs/cmd/run/run.ts), as the engine passes them.
const PULUMI_DEFAULTS = { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" };
const transpileOnly = process.argv.includes("--transpile-only");
if (transpileOnly) {
  const unset = ["target", "module", "moduleResolution"].filter((option) => compilerOptions[option] === undefined);
  if (unset.length > 0) throw new Error(`tsconfig.json sets no ${unset.join(", ")}: Pulumi's type check would differ from tsc's`);
}

require(tsnode).register({
  compiler: typescript,
  transpileOnly: transpileOnly || compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { ...PULUMI_DEFAULTS, ...compilerOptions },
});

require("./pulumiProgram.ts")
  .runProgram(process.argv[2])
  .then((run) => {
    const summary = {
      typescript: require(typescript).version,
      engineTypeChecks: !compilerOptions.noCheck,
      tsnode: path.relative(root, tsnode),
      error: run.error ? run.error.message : null,
      types: run.resources.map((resource) => resource.type),
      graphName: run.outputs.graphName,
    };
    process.stdout.write(JSON.stringify(summary));
  });
