import { z } from "zod";
import { readStackFile } from "../stack/config/stackFile";
import { readStackConfig } from "../stack/config/stackConfig";
import { openKubernetesApi } from "../lib/kubernetesApi";
import { UserError } from "../lib/userError";
import { formatCount } from "../lib/numbers";
import { DEFAULT_WATCH_LIMITS, findBenchmarkJob, watchJob, type WatchEvents } from "../cluster/watch/jobWatch";
import type { Progress } from "../cluster/watch/progressLine";
import { isRunName, RUN_NAME_RULE } from "../analysis/runs/runName";
import { kubeContextOf } from "./kubeContext";
import { stackFilePath } from "./stackFiles";
import { terminalText } from "../lib/terminalText";
import type { CommandIo } from "./io";

const watchOptions = z.object({
  stack: z.string().optional(),
  configFile: z.string().optional(),
  context: z.string().min(1, { error: "--context: give a kubeconfig context's name" }).optional(),
  run: z
    .string()
    .refine(isRunName, { error: `--run: a run id has ${RUN_NAME_RULE}` })
    .optional(),
});
export type WatchOptions = z.input<typeof watchOptions>;

function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const mmss = `${String(Math.floor(whole / 60) % 60).padStart(2, "0")}:${String(whole % 60).padStart(2, "0")}`;
  return whole >= 3600 ? `${Math.floor(whole / 3600)}:${mmss}` : mmss;
}

/** One line that a terminal redraws in place: how far the replay is, against the schedule. */
export function progressBar(progress: Progress, width = 24): string {
  const share = progress.expected > 0 ? Math.min(1, progress.done / progress.expected) : 0;
  const filled = Math.round(share * width);
  const latency = (label: string, value: number | null, digits: number) => `${label} ${value === null ? "-" : value.toFixed(digits)} ms`;
  return (
    `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${formatCount(progress.done)}/${formatCount(progress.expected)} ` +
    `${Math.floor(share * 100)}% · ${clock(progress.elapsedSeconds)} of ${clock(progress.spanSeconds)} · ` +
    `${formatCount(progress.errors)} error${progress.errors === 1 ? "" : "s"} · ` +
    `${latency("TTFT p50", progress.ttftP50Ms, 0)} · ${latency("ITL p50", progress.itlP50Ms, 1)}`
  );
}

/** On a terminal the progress is a bar, redrawn, with the log's other lines above it; piped, every line as it comes. */
function watchEvents(io: CommandIo, terminal: boolean): WatchEvents & { done(): void } {
  let bar = "";
  const clear = () => bar !== "" && io.out("\r\x1b[2K");
  const redraw = () => bar !== "" && io.out(bar);
  return {
    line: (text) => (clear(), io.out(`${terminalText(text)}\n`), redraw()),
    progress: (progress) => {
      if (!terminal) return io.out(`${terminalText(`progress: ${progressBar(progress).replace(/^\[[█░]+\] /, "")}`)}\n`);
      clear();
      bar = progressBar(progress);
      io.out(bar);
    },
    notice: (text) => (clear(), io.err(`${terminalText(text)}\n`), redraw()),
    done: () => bar !== "" && io.out("\n"),
  };
}

/** `watch`: follows the stack's running benchmark Job, and exits with its outcome. */
export async function watchCommand(raw: WatchOptions, io: CommandIo, signal?: AbortSignal): Promise<number> {
  const parsed = watchOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  const path = stackFilePath(options);
  const file = readStackFile(path);
  const config = readStackConfig({ description: path, stack: file.stack, entries: file.entries });
  const context = kubeContextOf(file.stack, config.kubeContext, options.context);
  const api = await openKubernetesApi(context, { requestTimeoutMs: DEFAULT_WATCH_LIMITS.requestTimeoutMs, totalTimeoutMs: 0 });
  const job = await findBenchmarkJob(api, config.namespace, config.graph.name, options.run);
  io.err(`Watching Job ${job} in namespace ${config.namespace}; Ctrl-C stops the watch, not the Job.\n`);
  const events = watchEvents(io, io.isTerminal ?? false);
  try {
    const outcome = await watchJob(api, config.namespace, job, events, DEFAULT_WATCH_LIMITS, signal);
    events.done();
    if (outcome.succeeded) {
      const runId = job.slice(`${config.graph.name}-benchmark-`.length);
      io.err(`Job ${job} succeeded. Its results: npx dynamo-bench results pull -s ${file.stack} --run ${runId}\n`);
      return 0;
    }
    io.err(`${terminalText(`Job ${job} failed: ${outcome.reason}`)}\nWhat to do: docs/during-a-run.md#a-failed-benchmark-job\n`);
    return 1;
  } catch (error) {
    events.done();
    throw error;
  }
}
