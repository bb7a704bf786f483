import { Command } from "commander";
import { RECIPE_GOODPUT } from "../summary/goodput";
import { UserError } from "../userError";
import type { SummarizeOptions } from "./summarize";
import type { CompareOptions } from "./compare";
import type { TraceStatsOptions } from "./trace";

// Each command loads its modules when it runs, so that no command pays for another's (ECharts, esbuild…).
const commands = {
  render: () => require("./render") as typeof import("./render"),
  stackFiles: () => require("./stackFiles") as typeof import("./stackFiles"),
  summarize: () => require("./summarize") as typeof import("./summarize"),
  compare: () => require("./compare") as typeof import("./compare"),
  trace: () => require("./trace") as typeof import("./trace"),
};

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
  .action((options: { stack?: string; configFile?: string; out?: string }) =>
    run(() => {
      const { renderStack, multiDocumentYaml, writeManifests } = commands.render();
      const rendered = renderStack(commands.stackFiles().stackFilePath(options));
      for (const warning of rendered.warnings) process.stderr.write(`warning: ${warning}\n`);
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

void program.parseAsync();
