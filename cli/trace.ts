import { traceStats } from "../sim/trace/traceStats";
import { traceStatsText } from "../sim/trace/formatStats";
import type { CommandIo } from "./io";

export interface TraceStatsOptions {
  json?: boolean;
  skipInvalid?: boolean;
}

export async function traceStatsCommand(file: string, options: TraceStatsOptions, io: CommandIo): Promise<void> {
  const { stats, skippedLines } = await traceStats(file, { skipInvalid: options.skipInvalid });
  if (skippedLines.length > 0) {
    io.err(
      `warning: skipped ${skippedLines.length} invalid line(s): ` +
        `${skippedLines.slice(0, 5).join(", ")}${skippedLines.length > 5 ? ", …" : ""}\n`,
    );
  }
  io.out(options.json ? `${JSON.stringify(stats, null, 2)}\n` : traceStatsText(stats));
}
