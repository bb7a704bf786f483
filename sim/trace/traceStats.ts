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
  /** The largest timestamp minus the smallest, in seconds. */
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
    /** Requests whose hash_ids do not number ceil(input_length / 512), one per block. */
    countMismatches: number;
  };
}

/** Mooncake's block size: one hash id per 512 tokens of input, the last block partial. */
const BLOCK_TOKENS = 512;

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
  // aiperf's fixed schedule sends requests in timestamp order, whatever the file's order
  // (src/aiperf/timing/strategies/fixed_schedule.py sorts by timestamp_ms, yangligt2/aiperf @ c2f5e9d4),
  // so the trace lasts from its smallest timestamp to its largest.
  const timestamps = new RangeTally();
  let countMismatches = 0;
  let index = 0;
  const read = await forEachTraceRequest(
    path,
    (request) => {
      timestamps.add(request.timestamp);
      if (request.hash_ids.length !== Math.ceil(request.input_length / BLOCK_TOKENS)) countMismatches++;
      input.add(request.input_length);
      output.add(request.output_length);
      blocks.addRequest(index++, request.hash_ids);
    },
    options,
  );
  const durationSeconds = (timestamps.max - timestamps.min) / 1000;
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
        countMismatches,
      },
    },
    skippedLines: read.skippedLines,
  };
}
