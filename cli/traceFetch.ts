import { z } from "zod";
import { parseStackConfig } from "../stack/config/stackConfig";
import { stackConfigFromFile } from "../stack/config/stackFile";
import { fetchTrace, type TraceSource } from "../sim/trace/fetchTrace";
import { UserError } from "../lib/userError";
import { stackFilePath } from "./stackFiles";
import type { CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

const traceFetchOptions = z.object({
  stack: z.string().optional(),
  configFile: z.string().optional(),
  out: z.string({ error: "--out: give a file path" }).min(1, { error: "--out: give a file path" }),
});
export type TraceFetchOptions = z.input<typeof traceFetchOptions>;

/**
 * The URL and sha256 the benchmark Job of a stack replays: from its stack file, or with neither
 * --stack nor --config-file, the schema's defaults, which are the recipe's (and the same for every variant).
 */
export function traceSource(options: { stack?: string; configFile?: string }): TraceSource {
  const config =
    options.stack === undefined && options.configFile === undefined
      ? parseStackConfig({ variant: "agg" }, "the recipe's defaults")
      : stackConfigFromFile(stackFilePath(options));
  return { url: config.benchmark.traceUrl, sha256: config.benchmark.traceSha256 };
}

/** Status lines go to stderr; stdout gets the trace's path alone, for `trace stats "$(… trace fetch)"`. */
export async function traceFetchCommand(raw: TraceFetchOptions, io: CommandIo): Promise<void> {
  const parsed = traceFetchOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  await fetchTrace(traceSource(options), options.out, { log: (line) => io.err(`${terminalText(line)}\n`) });
  io.out(`${options.out}\n`);
}
