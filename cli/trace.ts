import { traceStats } from "../sim/trace/traceStats";
import { traceStatsText } from "../sim/trace/formatStats";

export interface TraceStatsOptions {
  json?: boolean;
  skipInvalid?: boolean;
}

export async function traceStatsCommand(file: string, options: TraceStatsOptions): Promise<void> {
  const { stats, skippedLines } = await traceStats(file, { skipInvalid: options.skipInvalid });
  if (skippedLines.length > 0) {
    process.stderr.write(
      `warning: skipped ${skippedLines.length} invalid line(s): ` +
        `${skippedLines.slice(0, 5).join(", ")}${skippedLines.length > 5 ? ", …" : ""}\n`,
    );
  }
  process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : traceStatsText(stats));
}
