import { ENGINE_MODELS } from "../sim/stackSimulation";
import { Command, CommanderError, Option } from "commander";
import type { CommandIo } from "./io";
import { RECIPE_GOODPUT } from "../domain/recipeSlos";
import { DEFAULT_TRACE_FILE } from "../domain/pins";
import { UserError } from "../lib/userError";
import { describeFileError, isFileSystemError } from "../lib/fileErrors";
import { version } from "../package.json";
import { terminalText } from "../lib/terminalText";
import type { RenderOptions } from "./renderCommand";
import type { SummarizeOptions } from "./summarize";
import type { CompareOptions } from "./compare";
import type { TraceStatsOptions } from "./trace";
import type { TraceFetchOptions } from "./traceFetch";
import type { SimulateOptions } from "./simulate";
import type { SweepCapacityOptions } from "./sweepCapacity";
import type { SweepSplitOptions } from "./sweepSplit";
import type { CalibrateOptions } from "./calibrate";
import { ROUTING_POLICIES } from "../domain/variants";
import type { DiffManifestsOptions } from "./diffManifests";
import type { ReportOptions } from "./report";
import type { PreflightOptions } from "./preflight";
import type { WatchOptions } from "./watch";
import type { ResultsListOptions, ResultsPullOptions } from "./results";

// Each command loads its modules when it runs, so that no command pays for another's (ECharts, esbuild…).
const commands = {
  render: () => require("./renderCommand") as typeof import("./renderCommand"),
  summarize: () => require("./summarize") as typeof import("./summarize"),
  compare: () => require("./compare") as typeof import("./compare"),
  trace: () => require("./trace") as typeof import("./trace"),
  traceFetch: () => require("./traceFetch") as typeof import("./traceFetch"),
  simulate: () => require("./simulate") as typeof import("./simulate"),
  sweepCapacity: () => require("./sweepCapacity") as typeof import("./sweepCapacity"),
  sweepSplit: () => require("./sweepSplit") as typeof import("./sweepSplit"),
  calibrate: () => require("./calibrate") as typeof import("./calibrate"),
  diffManifests: () => require("./diffManifests") as typeof import("./diffManifests"),
  report: () => require("./report") as typeof import("./report"),
  preflight: () => require("./preflight") as typeof import("./preflight"),
  watch: () => require("./watch") as typeof import("./watch"),
  results: () => require("./results") as typeof import("./results"),
};

/** `-s, --stack` and `--config-file`, which name the stack file two ways: one or the other. */
function stackOptions(command: Command, stackHelp: string): Command {
  return command
    .addOption(new Option("-s, --stack <name>", stackHelp).conflicts("configFile"))
    .addOption(new Option("--config-file <path>", "use this stack file instead of Pulumi.<name>.yaml"));
}

/** The `--json` and `--markdown` formats, of which a command prints one. */
function formatOptions(command: Command, markdownHelp: string, jsonHelp: string): Command {
  return command.addOption(new Option("--markdown", markdownHelp).conflicts("json")).addOption(new Option("--json", jsonHelp));
}

/** The options given on the command line, rather than left at their defaults. */
function givenOptions(command: Command): string[] {
  return command.options.map((option) => option.attributeName()).filter((name) => command.getOptionValueSource(name) === "cli");
}

/** The first of the command's flags that `args` gives more than once (as `--out x`, `--out=x`, `-s x` or `-sx`), said as a mistake. */
function repeatedFlag(command: Command, args: string[]): string | undefined {
  const end = args.indexOf("--");
  const flags = end === -1 ? args : args.slice(0, end);
  for (const option of command.options) {
    const uses = flags.filter(
      (arg) =>
        (option.long !== undefined && (arg === option.long || arg.startsWith(`${option.long}=`))) ||
        (option.short !== undefined && !arg.startsWith("--") && arg.startsWith(option.short)),
    ).length;
    if (uses > 1)
      return `${option.flags
        .split(/[ ,]+/)
        .filter((flag) => flag.startsWith("-"))
        .join(", ")} is given ${uses} times; give it once`;
  }
  return undefined;
}

function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((line) => `  $ ${line}`).join("\n")}`;
}

/**
 * Runs `dynamo-bench` with these arguments, writing through `io`, and resolves to its exit code. A
 * user's mistake, or a file the user named that cannot be read or written, ends it with one line
 * and exit code 1; a bug rejects, with its stack.
 */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  let exitCode = 0;
  async function run(command: () => void | number | Promise<void | number>): Promise<void> {
    try {
      exitCode = (await command()) ?? 0;
    } catch (error) {
      if (error instanceof UserError) io.err(`error: ${terminalText(error.message)}\n`);
      else if (isFileSystemError(error)) io.err(`error: ${terminalText(`${error.path}: ${describeFileError(error)}`)}\n`);
      else throw error;
      exitCode = error instanceof UserError ? error.exitCode : 1;
    }
  }

  const program = new Command()
    .name("dynamo-bench")
    .description("Render, run and compare NVIDIA Dynamo's Qwen3-32B agg vs disagg benchmark")
    .version(version, "-V, --version", "print the version")
    // As kubectl does: the mistake on one line, and where the usage is on the next.
    .showHelpAfterError("(add --help for usage)")
    // A command's options come before its subcommand: `simulate sweep capacity` takes simulate's options after it.
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // A flag given twice would silently keep its last value: refused, as conflicting flags are.
    .hook("preAction", (_program, command) => {
      const repeated = repeatedFlag(command, [...argv]);
      if (repeated) command.error(`error: ${repeated}`);
    });

  stackOptions(
    program
      .command("render")
      .description("print every Kubernetes object that `pulumi up -s <stack>` applies, with no cluster and no Pulumi CLI"),
    "the stack whose Pulumi.<name>.yaml to render (agg, disagg)",
  )
    .option("--out <dir>", "write one file per object into this directory instead of printing")
    .option(
      "--check",
      "exit 1 with a unified diff when manifests/<stack> (or --out) is not what render writes; with no stack, check every stack",
    )
    .addHelpText(
      "after",
      examples("npx dynamo-bench render -s agg | kubectl apply --dry-run=client -f -", "npx dynamo-bench render --check"),
    )
    .action((options: RenderOptions) => run(() => commands.render().renderCommand(options, io)));

  program
    .command("summarize")
    .description("summarize one aiperf run: requests, duration, TTFT, ITL, latency, ISL, OSL and goodput")
    .argument("<artifact-dir>", "the directory aiperf wrote (--artifact-dir), or a local results directory, results/<stack>/<run-id>")
    .option("--json", "print the summary as JSON")
    .option("--goodput <slos>", "the SLOs a good request meets, in aiperf's --goodput syntax", RECIPE_GOODPUT)
    .option("--write", "also write summary.json and summary.md into the directory (never over a results directory's saved summary)")
    .addHelpText("after", examples("npx dynamo-bench summarize examples/agg-sample"))
    .action((dir: string, options: SummarizeOptions, command: Command) =>
      run(() => commands.summarize().summarizeCommand(dir, { ...options, goodputGiven: givenOptions(command).includes("goodput") }, io)),
    );

  const compare = program
    .command("compare")
    .description("compare two runs side by side: TTFT, ITL and request latency (avg, p50, p90, p99) and goodput")
    .argument("<baseline-dir>", "an aiperf artifact directory or a local results directory")
    .argument("<candidate-dir>", "an aiperf artifact directory or a local results directory");
  formatOptions(compare, "print the table as Markdown, for a pull request", "print the comparison as JSON")
    .option("--out <report.html>", "also write a self-contained HTML report with charts (per-request CDFs from artifact directories)")
    .option("--goodput <slos>", "the SLOs for runs summarized from artifacts", RECIPE_GOODPUT)
    .option("--baseline-requests <file.jsonl>", "the baseline's per-request prediction (simulate --requests-out), joined to its records")
    .option("--candidate-requests <file.jsonl>", "the candidate's per-request prediction (simulate --requests-out), joined to its records")
    .addHelpText("after", examples("npx dynamo-bench compare examples/agg-sample examples/disagg-sample --out report.html"))
    .action((baseline: string, candidate: string, options: CompareOptions, command: Command) =>
      run(() =>
        commands.compare().compareCommand(baseline, candidate, { ...options, goodputGiven: givenOptions(command).includes("goodput") }, io),
      ),
    );

  stackOptions(
    program
      .command("report")
      .description(
        "what follows a saved run, as `pulumi up` prints it: the stack's prediction beside what was measured, " +
          "and the comparison with every other stack's newest run; run it again at any time",
      )
      .argument("<run-dir>", "a run that `pulumi up` saved: results/<stack>/<run-id>"),
    "simulate this stack's Pulumi.<name>.yaml for the prediction (default: the stack that made the run)",
  )
    .option("--trace <file>", `the trace the run replayed, for the prediction (default: ${DEFAULT_TRACE_FILE} in the project)`)
    .addHelpText("after", examples("npx dynamo-bench report results/disagg/0a1b2c3d"))
    .action((dir: string, options: ReportOptions) => run(() => commands.report().reportCommand(dir, options, io)));

  stackOptions(
    program
      .command("preflight")
      .description(
        "read-only checks of the cluster before `pulumi up`: the API server, Dynamo's operator and CRD, GPUs, RDMA, " +
          "storage, the namespace, the token Secret, other graphs and the Pulumi CLI; exit 1 when one fails",
      ),
    "the stack whose Pulumi.<name>.yaml to check the cluster for (agg, disagg)",
  )
    .option("--context <name>", "the kubeconfig context to check (default: the stack's kubeContext, else the current one)")
    .option("--request-timeout <seconds>", "how long each API request may take", "10")
    .option("--json", "print the checks as JSON")
    .addHelpText("after", examples("npx dynamo-bench preflight -s disagg"))
    .action((options: PreflightOptions) => run(() => commands.preflight().preflightCommand(options, io)));

  stackOptions(
    program
      .command("watch")
      .description("follow the stack's running benchmark Job: its progress, through dropped log streams; exit with its outcome"),
    "the stack whose benchmark Job to follow (agg, disagg)",
  )
    .option("--run <id>", "the run id of the Job to follow (default: the newest)")
    .option("--context <name>", "the kubeconfig context (default: the stack's kubeContext, else the current one)")
    .addHelpText("after", examples("npx dynamo-bench watch -s disagg"))
    .action((options: WatchOptions) =>
      run(async () => {
        // Ctrl-C ends the watch with one line; the Job runs on.
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once("SIGINT", stop);
        try {
          return await commands.watch().watchCommand(options, io, controller.signal);
        } finally {
          process.removeListener("SIGINT", stop);
        }
      }),
    );
  const results = program
    .command("results")
    .description(
      "the runs on the perf-cache volume: list them, or copy one into results/ (a failed run, an interrupted `up`, another machine's)",
    )
    .addHelpText("after", examples("npx dynamo-bench results list -s agg", "npx dynamo-bench results pull -s agg"));
  /** The flags both `results` commands take: the stack, the cluster, results/ and the reader pod's bounds. */
  const readerOptions = (command: Command) =>
    stackOptions(command, "the stack whose runs to read (agg, disagg)")
      .option("--context <name>", "the kubeconfig context (default: the stack's kubeContext, else the current one)")
      .option("--results-dir <dir>", "the results directory (default: results/ in the project)")
      .option("--request-timeout <seconds>", "how long each API request, and each silence in a file's body, may take", "30")
      .option("--start-timeout <seconds>", "how long the reader pod may take to be ready", "180");
  readerOptions(results.command("list").description("the stack's runs on the perf-cache volume and under results/, with their state"))
    .option("--json", "print the runs as JSON")
    .addHelpText("after", examples("npx dynamo-bench results list -s disagg"))
    .action((options: ResultsListOptions) => run(() => commands.results().resultsListCommand(options, io)));
  readerOptions(
    results
      .command("pull")
      .description(
        "copy a run's artifacts and summary from the perf-cache volume into results/<stack>/<run-id>/; resumes an interrupted pull",
      ),
  )
    .option("--run <id>", "the run to copy (default: the newest on the volume)")
    .option("--incomplete", "copy a run that has recorded no exit code yet, as a run that did not succeed")
    .option("--deadline <seconds>", "how long the whole pull may take", "1800")
    .option("--max-file-size <size>", "the largest file copied, as 512Mi or 8Gi", "8Gi")
    .option("--max-total-size <size>", "the most copied in all", "32Gi")
    .addHelpText("after", examples("npx dynamo-bench results pull -s agg --run 0a1b2c3d"))
    .action((options: ResultsPullOptions) => run(() => commands.results().resultsPullCommand(options, io)));

  const trace = program
    .command("trace")
    .description("fetch the benchmark's Mooncake-format trace, and look at it before spending GPUs on it")
    .addHelpText("after", examples('npx dynamo-bench trace stats "$(npx dynamo-bench trace fetch)"'));
  trace
    .command("stats")
    .description("requests, rate, input and output lengths, and how much of the trace's prefix blocks repeat")
    .argument("<file>", "a Mooncake-format trace: one JSON object per line")
    .option("--json", "print the figures as JSON")
    .option("--skip-invalid", "skip invalid lines and count them, instead of stopping at the first")
    .addHelpText("after", examples("npx dynamo-bench trace stats traces/conversation_trace.jsonl --json | jq .requests"))
    .action((file: string, options: TraceStatsOptions) => run(() => commands.trace().traceStatsCommand(file, options, io)));
  stackOptions(
    trace.command("fetch").description("download the trace the benchmark Job replays, from the same URL, checked against the same sha256"),
    "take benchmark.traceUrl and benchmark.traceSha256 from Pulumi.<name>.yaml (default: the recipe's)",
  )
    .option("--out <file>", "where to keep the trace", DEFAULT_TRACE_FILE)
    .addHelpText("after", examples("npx dynamo-bench trace fetch"))
    .action((options: TraceFetchOptions) => run(() => commands.traceFetch().traceFetchCommand(options, io)));

  /** The options every simulation takes: the trace, the stack, routing, timings and SLOs. */
  const simulationOptions = (command: Command, policies: readonly string[]) =>
    stackOptions(
      command.option("--trace <file>", "a Mooncake-format trace"),
      "the stack whose Pulumi.<name>.yaml gives the workers, policy and cache capacity",
    )
      .addOption(new Option("--policy <policy>", "how requests are routed (default: the stack's)").choices(policies))
      .option(
        "--capacity-tokens <n>",
        "KV capacity per worker, for its prefix cache and running requests (default: from GPU memory, TP and the model)",
      )
      .option("--overlap-weight <w>", "the KV router's weight on blocks to prefill (Dynamo's prefill load scale)", "1")
      .option("--router-temperature <t>", "the KV router's softmax temperature; 0 picks the lowest cost", "0")
      .option("--seed <n>", "seed of every random choice: the random policy, the KV router's ties and its sampling", "1")
      .addOption(
        new Option(
          "--profile <path>",
          "engine timings: Dynamo's perf_data.npz, a profiler results directory, or one with prefill_raw_data.json and " +
            "decode_raw_data.json; mocker-polynomial for the mocker's defaults " +
            "(default: AIConfigurator's H200 estimate for Qwen3-32B with TensorRT-LLM, not a measurement, its TP 1 prefill and " +
            "TP 2 decode scaled to the stack's TP by an assumed rule; for a mock stack, the mocker's defaults at its speedup ratio, " +
            "which take no TP)",
        ).conflicts("calibration"),
      )
      .option("--calibration <file>", "engine timings from a calibration.json that `calibrate` wrote")
      .addOption(
        new Option(
          "--engine-model <model>",
          "how a worker's passes are scheduled and priced: mocker, Dynamo's mocker rule for rule; vllm, this project's model of " +
            "vLLM, whose prefill also pays attention over the cached prefix (default: mocker for a mock stack or " +
            "--profile mocker-polynomial, else vllm)",
        ).choices(ENGINE_MODELS),
      )
      .option(
        "--kv-transfer-gbps <n>",
        "disagg: KV transfer bandwidth from prefill to decode worker, GB/s, from 0.001 to 1,000,000 " +
          "(default: 64, the mocker's; an assumption)",
      )
      .option("--goodput <slos>", "the SLOs goodput is predicted for, in aiperf's syntax (default: the stack's benchmark.goodput)")
      .option("--json", "print JSON")
      .option("--skip-invalid", "skip invalid trace lines instead of stopping");
  const workersOption = (command: Command) =>
    command.option("--workers <n>", "how many workers requests are routed to, at most 4096 (default: the stack's)");
  const given = (command: Command) => ({ given: givenOptions(command) });
  /** simulate's options given before `sweep …` are parsed as simulate's, which the sweep does not read: refused, not dropped. */
  const refuseOptionsBeforeSweep = (command: Command) =>
    command.hook("preAction", (_sweep, action) => {
      const before = simulate.options.filter((option) => simulate.getOptionValueSource(option.attributeName()) === "cli");
      if (before.length > 0) {
        const flags = before.map((option) => option.long ?? option.flags).join(", ");
        action.error(`error: ${flags}: give the options after \`simulate sweep ${action.name()}\`, where they are read`);
      }
    });

  const simulate = workersOption(
    simulationOptions(
      program
        .command("simulate")
        .description(
          "replay a trace through a model of the stack: Dynamo's routing, each worker's prefix cache and passes; " +
            "predicts the hit rate, TTFT, ITL and goodput",
        ),
      [...ROUTING_POLICIES, "all"],
    ),
  )
    .option("--requests-out <file.jsonl>", "also write every request's prediction, a JSON line each, in trace order (one policy)")
    .addHelpText("after", examples("npx dynamo-bench simulate --trace traces/conversation_trace.jsonl -s disagg --policy all"))
    .action((options: SimulateOptions, command: Command) =>
      run(() => commands.simulate().simulateCommand({ ...options, ...given(command) }, io)),
    );
  const sweep = refuseOptionsBeforeSweep(simulate.command("sweep"))
    .description("predict across a range: the cache capacity, or the prefill:decode split")
    .addHelpText(
      "after",
      examples("npx dynamo-bench simulate sweep split --trace traces/conversation_trace.jsonl -s disagg --chart split.svg"),
    );
  workersOption(
    simulationOptions(sweep.command("capacity").description("hit rate against capacity, 10^4 to 10^9 tokens per worker"), [
      ...ROUTING_POLICIES,
      "all",
    ]),
  )
    .option("--chart <file.svg>", "also draw the sweep as an SVG chart")
    .addHelpText("after", examples("npx dynamo-bench simulate sweep capacity --trace traces/conversation_trace.jsonl -s agg --policy all"))
    .action((options: SweepCapacityOptions, command: Command) =>
      run(() => commands.sweepCapacity().sweepCapacityCommand({ ...options, ...given(command) }, io)),
    );
  simulationOptions(
    sweep
      .command("split")
      .description("predicted TTFT, ITL and goodput for each prefill:decode split of the stack's GPUs, and agg; names the best"),
    ROUTING_POLICIES,
  )
    .option("--chart <file.svg>", "also draw the splits as an SVG chart")
    .addHelpText("after", examples("npx dynamo-bench simulate sweep split --trace traces/conversation_trace.jsonl -s disagg"))
    .action((options: SweepSplitOptions, command: Command) =>
      run(() => commands.sweepSplit().sweepSplitCommand({ ...options, ...given(command) }, io)),
    );

  stackOptions(
    program
      .command("calibrate")
      .description("fit the engine timings to a run's records, and write them as calibration.json for simulate --calibration")
      .argument("<run-dir>", "the run's aiperf artifact directory, or results/<stack>/<run-id> with artifacts/")
      .option("--trace <file>", "the trace the run replayed"),
    "the stack the run was (default: the one its run.json names)",
  )
    .option("--out <file>", "where to write the calibration (default: calibration.json in <run-dir>)")
    .option("--skip-invalid", "skip invalid trace lines instead of stopping")
    .addHelpText("after", examples("npx dynamo-bench calibrate results/agg/<run-id> --trace traces/conversation_trace.jsonl"))
    .action((dir: string, options: CalibrateOptions) => run(() => commands.calibrate().calibrateCommand(dir, options, io)));

  formatOptions(
    program
      .command("diff-manifests")
      .description("what changes between two renders (render --out), object by object and field by field")
      .argument("<base-dir>", "the base render: manifests/ with a folder per stack, or one stack's folder")
      .argument("<head-dir>", "the head render, laid out the same way"),
    "print a compact Markdown summary, for a pull request comment",
    "print the changes as JSON",
  )
    .option("--exit-code", "exit 1 when something changed, as `git diff --exit-code` does")
    .addHelpText("after", examples("npx dynamo-bench diff-manifests main-render/ manifests/ --markdown"))
    .action((base: string, head: string, options: DiffManifestsOptions) =>
      run(() => commands.diffManifests().diffManifestsCommand(base, head, options, io)),
    );

  // Commander's own exits (help, version, a flag it refuses) become an exit code, not process.exit().
  const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
  for (const command of everyCommand(program)) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
