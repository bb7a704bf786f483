// Loads the program the way the Pulumi CLI's nodejs host does: from the directory Pulumi.yaml's
// `main` names (pkg/engine/project.go getPwdMain), where Pulumi's own tsutils picks the TypeScript
// compiler and its vendored ts-node, registered with that directory's tsconfig.json and type checks
// on (sdk/nodejs/cmd/run/run.ts, pulumi/pulumi@1b59498). Then runs it under mocks and prints a JSON
// summary. Usage: node pulumiLoader.js <stack>
const path = require("node:path");
const { createRequire } = require("node:module");

const root = path.resolve(__dirname, "..", "..");
const { main } = require("js-yaml").load(require("node:fs").readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
process.chdir(path.join(root, main));
const pulumiRun = createRequire(path.join(root, "node_modules/@pulumi/pulumi/cmd/run/run.js"));
const tsutils = pulumiRun("../../tsutils");
// The program's directory holds its own tsconfig.json: without one, ts-node would skip the project's options.
if (!require("node:fs").existsSync("tsconfig.json")) throw new Error(`no tsconfig.json in ${process.cwd()}`);
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const strings = tsutils.typeScriptRequireStrings();
const typescript = pulumiRun.resolve(strings.typescriptRequire);
const tsnode = pulumiRun.resolve(strings.tsnodeRequire);

require(tsnode).register({
  compiler: typescript,
  transpileOnly: compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

require("./pulumiProgram.ts")
  .runProgram(process.argv[2])
  .then((run) => {
    const summary = {
      typescript: require(typescript).version,
      tsnode: path.relative(root, tsnode),
      error: run.error ? run.error.message : null,
      types: run.resources.map((resource) => resource.type),
      graphName: run.outputs.graphName,
    };
    process.stdout.write(JSON.stringify(summary));
  });
