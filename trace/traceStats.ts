import { BlockTally } from "./blockTally";
import { forEachTraceRequest, type TraceReadOptions } from "./traceFile";

interface Range {
  avg: number;
  min: number;
  max: number;
}

/** A trace's figures, in the shape `trace stats --json` prints. */
export interface TraceStats {
  requests: number;
  /** Last timestamp minus first, in seconds. */
  durationSeconds: number;
  requestRate: number;
  inputTokensPerSecond: number;
  inputLength: Range;
  outputLength: Range;
  blocks: {
    unique: number;
    /** Blocks that appear in more than one request. */
    reused: number;
    reusedFraction: number;
    /** Every block id of every request. */
    references: number;
    /** references − unique: the references one unbounded prefix cache would serve. */
    repeats: number;
    /** repeats / references: the most that any routing can reuse. */
    cacheEfficiency: number;
  };
}

class RangeTally {
  sum = 0;
  min = Infinity;
  max = -Infinity;
  add(value: number): void {
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  range(count: number): Range {
    return { avg: this.sum / count, min: this.min, max: this.max };
  }
}

export async function traceStats(path: string, options: TraceReadOptions = {}): Promise<{ stats: TraceStats; skippedLines: number[] }> {
  const input = new RangeTally();
  const output = new RangeTally();
  const blocks = new BlockTally();
  let first: number | undefined;
  let last = 0;
  let index = 0;
  const read = await forEachTraceRequest(
    path,
    (request) => {
      first ??= request.timestamp;
      last = request.timestamp;
      input.add(request.input_length);
      output.add(request.output_length);
      blocks.addRequest(index++, request.hash_ids);
    },
    options,
  );
  const durationSeconds = (last - first!) / 1000;
  const unique = blocks.unique;
  const reused = blocks.reused;
  const repeats = blocks.references - unique;
  return {
    stats: {
      requests: read.requests,
      durationSeconds,
      requestRate: durationSeconds > 0 ? read.requests / durationSeconds : 0,
      inputTokensPerSecond: durationSeconds > 0 ? input.sum / durationSeconds : 0,
      inputLength: input.range(read.requests),
      outputLength: output.range(read.requests),
      blocks: {
        unique,
        reused,
        reusedFraction: unique > 0 ? reused / unique : 0,
        references: blocks.references,
        repeats,
        cacheEfficiency: blocks.references > 0 ? repeats / blocks.references : 0,
      },
    },
    skippedLines: read.skippedLines,
  };
}
