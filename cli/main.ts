import { Command } from "commander";
import { RECIPE_GOODPUT } from "../summary/recipeGoodput";
import { UserError } from "../userError";
import { shellCommand } from "../builders/shellCommands";
import type { SummarizeOptions } from "./summarize";
import type { CompareOptions } from "./compare";
import type { TraceStatsOptions } from "./trace";
import type { SimulateOptions } from "./simulate";

// Each command loads its modules when it runs, so that no command pays for another's (ECharts, esbuild…).
const commands = {
  render: () => require("./render") as typeof import("./render"),
  stackFiles: () => require("./stackFiles") as typeof import("./stackFiles"),
  summarize: () => require("./summarize") as typeof import("./summarize"),
  compare: () => require("./compare") as typeof import("./compare"),
  trace: () => require("./trace") as typeof import("./trace"),
  simulate: () => require("./simulate") as typeof import("./simulate"),
  diffManifests: () => require("./diffManifests") as typeof import("./diffManifests"),
};

// `npm run cli` runs in the project's root; paths the user gives are relative to where they typed it.
if (process.env.npm_lifecycle_event === "cli" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// A reader that stops early (`render | head`) closes the pipe: the command ends quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

/** Runs a command; a user's mistake ends it with its message and exit code 1, a bug with its stack. */
async function run(command: () => void | Promise<void>): Promise<void> {
  try {
    await command();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  }
}

const program = new Command()
  .name("dynamo-bench")
  .description("Render, run and compare NVIDIA Dynamo's Qwen3-32B agg vs disagg benchmark")
  .showHelpAfterError();

program
  .command("render")
  .description("print every Kubernetes object that `pulumi up -s <stack>` applies, with no cluster and no Pulumi CLI")
  .option("--stack <name>", "the stack whose Pulumi.<name>.yaml to render (agg, disagg)")
  .option("--config-file <path>", "render this stack file instead")
  .option("--out <dir>", "write one file per object into this directory instead of printing")
  .option("--check", "exit 1 with a unified diff when manifests/<stack> (or --out) is not what render writes")
  .action((options: { stack?: string; configFile?: string; out?: string; check?: boolean }) =>
    run(() => {
      const { renderStack, multiDocumentYaml, writeManifests, staleManifests } = commands.render();
      const { stackFilePath, committedManifestsDir } = commands.stackFiles();
      const rendered = renderStack(stackFilePath(options));
      for (const warning of rendered.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (options.check) {
        const dir = options.out ?? committedManifestsDir(options);
        const patches = staleManifests(rendered, dir);
        if (patches.length === 0) {
          process.stderr.write(`${dir} is up to date\n`);
          return;
        }
        process.stdout.write(patches.join(""));
        throw new UserError(
          `${dir} is stale: ${patches.length} file(s) differ from what render writes. ` +
            `Refresh them with: ${shellCommand("npm", "run", "cli", "--", "render", ...(options.stack ? ["--stack", options.stack] : ["--config-file", options.configFile ?? ""]), "--out", dir)}`,
        );
      }
      if (options.out) {
        const files = writeManifests(rendered, options.out);
        process.stderr.write(`wrote ${files.length} manifests to ${options.out}\n`);
      } else {
        process.stdout.write(multiDocumentYaml(rendered));
      }
    }),
  );

program
  .command("summarize")
  .description("summarize one aiperf run: requests, duration, TTFT, ITL, latency, ISL, OSL and goodput")
  .argument("<artifact-dir>", "the directory aiperf wrote (--artifact-dir), or a local results directory")
  .option("--json", "print the summary as JSON")
  .option("--goodput <slos>", "the SLOs a good request meets, in aiperf's --goodput syntax", RECIPE_GOODPUT)
  .option("--write", "also write summary.json and summary.md into the directory")
  .action((dir: string, options: SummarizeOptions) => run(() => commands.summarize().summarizeCommand(dir, options)));

program
  .command("compare")
  .description("compare two runs side by side: TTFT, ITL and request latency (avg, p50, p90, p99) and goodput")
  .argument("<baseline-dir>", "an aiperf artifact directory or a local results directory")
  .argument("<candidate-dir>", "an aiperf artifact directory or a local results directory")
  .option("--markdown", "print the table as Markdown, for a pull request")
  .option("--json", "print the comparison as JSON")
  .option("--out <report.html>", "also write a self-contained HTML report with charts")
  .option("--goodput <slos>", "the SLOs for runs summarized from artifacts", RECIPE_GOODPUT)
  .action((baseline: string, candidate: string, options: CompareOptions) =>
    run(() => commands.compare().compareCommand(baseline, candidate, options)),
  );

const trace = program.command("trace").description("look at a Mooncake-format trace before spending GPUs on it");
trace
  .command("stats")
  .description("requests, rate, input and output lengths, and how much of the trace's prefix blocks repeat")
  .argument("<file>", "a Mooncake-format trace: one JSON object per line")
  .option("--json", "print the figures as JSON")
  .option("--skip-invalid", "skip invalid lines and count them, instead of stopping at the first")
  .action((file: string, options: TraceStatsOptions) => run(() => commands.trace().traceStatsCommand(file, options)));

program
  .command("simulate")
  .description("replay a trace through a model of the stack's workers and their prefix caches: what routing can reuse")
  .option("--trace <file>", "a Mooncake-format trace")
  .option("--stack <name>", "the stack whose Pulumi.<name>.yaml gives the workers, policy and cache capacity")
  .option("--config-file <path>", "use this stack file instead")
  .option("--policy <policy>", "round-robin, random, kv, or all three side by side (default: the stack's)")
  .option("--workers <n>", "how many workers requests are routed to (default: the stack's)")
  .option("--capacity-tokens <n>", "prefix-cache capacity per worker (default: from GPU memory, TP and the model)")
  .option("--overlap-weight <w>", "the KV router's weight on blocks to prefill", "1")
  .option("--seed <n>", "seed of the random policy", "1")
  .option("--sweep-capacity", "hit rate against capacity, 10^4 to 10^9 tokens per worker")
  .option("--chart <file.svg>", "with --sweep-capacity, also draw it as an SVG chart")
  .option("--json", "print JSON")
  .option("--skip-invalid", "skip invalid trace lines instead of stopping")
  .action((options: SimulateOptions) => run(() => commands.simulate().simulateCommand(options)));

program
  .command("diff-manifests")
  .description("what changes between two renders (render --out), object by object and field by field")
  .argument("<base-dir>", "the base render: manifests/ with a folder per stack, or one stack's folder")
  .argument("<head-dir>", "the head render, laid out the same way")
  .option("--markdown", "print a compact Markdown summary, for a pull request comment")
  .option("--json", "print the changes as JSON")
  .action((base: string, head: string, options: { markdown?: boolean; json?: boolean }) =>
    run(() => commands.diffManifests().diffManifestsCommand(base, head, options)),
  );

void program.parseAsync();
