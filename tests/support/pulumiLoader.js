// Loads the program the way the Pulumi CLI's nodejs host does: Pulumi's own tsutils picks the
// TypeScript compiler and its vendored ts-node, registered with the project's tsconfig and type
// checks on. Then runs it under mocks and prints a JSON summary. Usage: node pulumiLoader.js <stack>
const path = require("node:path");
const { createRequire } = require("node:module");

const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const pulumiRun = createRequire(path.join(root, "node_modules/@pulumi/pulumi/cmd/run/run.js"));
const tsutils = pulumiRun("../../tsutils");
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
