import { notARegularFile } from "../../lib/regularFile";
import * as z from "zod/mini";
import { forEachValidLine } from "../../lib/jsonLines";
import { UserError } from "../../lib/userError";
import { firstIssue } from "../../lib/zodMessages";

const count = z.int().check(z.nonnegative());

// Compiled: a 120k-request trace holds millions of ids, and z.compile validates them about ten
// times faster than the interpreted schema, with the same issues and messages.
/** One request of a Mooncake trace: when it arrives, its token counts, and its prefix blocks. */
export const traceRequest = z.compile(
  z.object({
    /** ms since the trace's start. */
    timestamp: z.number().check(z.nonnegative()),
    input_length: count,
    output_length: count,
    /** Remapped prefix-block ids, one per 512-token block: equal ids are a reusable KV-cache block. */
    hash_ids: z.array(count),
  }),
  { strict: true },
);
export type TraceRequest = z.infer<typeof traceRequest>;

export class TraceError extends UserError {}

export interface TraceReadOptions {
  /** Skip and count invalid lines instead of stopping at the first. */
  skipInvalid?: boolean;
}

export interface TraceRead {
  requests: number;
  skippedLines: number[];
}

/** A request of a Mooncake trace is a few kilobytes (2,000 prefix blocks, a million tokens, take 16 KB). */
export const MAX_TRACE_LINE_BYTES = 2 ** 20;

function problem(line: string | undefined): string {
  if (line === undefined) return `longer than ${MAX_TRACE_LINE_BYTES / 2 ** 20} MiB, which no request of a trace is`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  const parsed = traceRequest.safeParse(value);
  return parsed.success ? "" : firstIssue(parsed.error);
}

/** Streams a trace line by line; an invalid line stops it with its number, unless skipInvalid. */
export async function forEachTraceRequest(
  path: string,
  visit: (request: TraceRequest) => void,
  options: TraceReadOptions = {},
): Promise<TraceRead> {
  // `trace stats "$(… trace fetch)"` hands over an empty path when the fetch failed.
  if (path === "") throw new TraceError("give the trace file: the path is empty");
  const why = notARegularFile(path);
  if (why) throw new TraceError(`${path}: ${why}`);
  const read: TraceRead = { requests: 0, skippedLines: [] };
  read.requests = await forEachValidLine(
    path,
    traceRequest,
    visit,
    (line, lineNumber) => {
      if (!options.skipInvalid) {
        throw new TraceError(`${path}, line ${lineNumber}: ${problem(line)} (use --skip-invalid to skip such lines)`);
      }
      read.skippedLines.push(lineNumber);
    },
    { maxLineBytes: MAX_TRACE_LINE_BYTES },
  );
  if (read.requests === 0) throw new TraceError(`${path}: the trace has no requests`);
  return read;
}
