import { join, relative } from "node:path";
import { entryAt, notARegularFile } from "../../lib/regularFile";
import * as z from "zod/mini";
import { DEFAULT_TRACE_FILE, TRACE_SLICE } from "../../domain/pins";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { forEachValidLine } from "../../lib/jsonLines";
import { UserError } from "../../lib/userError";
import { firstIssue } from "../../lib/zodMessages";
import { formatCount } from "../../lib/numbers";

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

/** The longest request the stack serves, and where a user changes it: vLLM refuses a longer one. */
export interface ModelLenLimit {
  tokens: number;
  /** The key and the file to change it in, as the refusal names them: `workers.maxModelLen in Pulumi.agg.yaml`. */
  key: string;
}

export interface TraceReadOptions {
  /** Skip and count invalid lines instead of stopping at the first. */
  skipInvalid?: boolean;
  /** Refuse (or skip) requests whose input and output lengths add up past it. */
  maxModelLen?: ModelLenLimit;
  /** Whether a refusal names --skip-invalid: not where no command line takes it (the post-run hook). */
  offerSkip?: boolean;
}

export interface TraceRead {
  requests: number;
  skippedLines: number[];
}

/** A request of a Mooncake trace is a few kilobytes (2,000 prefix blocks, a million tokens, take 16 KB). */
export const MAX_TRACE_LINE_BYTES = 2 ** 20;

function problem(line: string | undefined, limit: ModelLenLimit | undefined): string {
  if (line === undefined) return `longer than ${MAX_TRACE_LINE_BYTES / 2 ** 20} MiB, which no request of a trace is`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  const parsed = traceRequest.safeParse(value);
  if (!parsed.success) return firstIssue(parsed.error);
  return limit && tooLong(parsed.data, limit) ? tooLongForTheModel(parsed.data, limit) : "";
}

const tooLong = (request: TraceRequest, limit: ModelLenLimit) => request.input_length + request.output_length > limit.tokens;

/**
 * vLLM refuses a request whose prompt and max_tokens (aiperf sends the output length) exceed
 * --max-model-len, so the stack never serves it; simulating it as served would also cost time
 * in proportion to its length, without limit.
 */
function tooLongForTheModel(request: TraceRequest, limit: ModelLenLimit): string {
  // In BigInt: two lengths near 2^53 add up past what a double holds exactly.
  const total = (BigInt(request.input_length) + BigInt(request.output_length)).toLocaleString("en-US");
  return (
    `input_length ${formatCount(request.input_length)} + output_length ${formatCount(request.output_length)} = ` +
    `${total} tokens, more than the stack serves: ${limit.key} is ${formatCount(limit.tokens)}; ` +
    `raise it, or drop the line`
  );
}

/**
 * What to do when there is no trace: the whole one is a download away, and the first requests are
 * shipped for when the network is not.
 */
function missingTraceHint(): string {
  const slice = relative(process.cwd(), join(PROJECT_ROOT, TRACE_SLICE.file));
  return (
    `fetch the trace with npx dynamo-bench trace fetch (it saves it as ${DEFAULT_TRACE_FILE}), or place a copy there; ` +
    `offline, ${slice} holds its first ${TRACE_SLICE.requests} requests`
  );
}

function isMissing(path: string): boolean {
  try {
    return entryAt(path) === "nothing";
  } catch {
    return false;
  }
}

/** Why `path` cannot be read as a trace, with what to do when there is none; undefined when it can. */
export function traceFileProblem(path: string): string | undefined {
  // `trace stats "$(… trace fetch)"` hands over an empty path when the fetch failed.
  if (path === "") return `give the trace file: the path is empty; ${missingTraceHint()}`;
  const why = notARegularFile(path);
  if (!why) return undefined;
  return isMissing(path) ? `${path}: ${why}; ${missingTraceHint()}` : `${path}: ${why}`;
}

/** Streams a trace line by line; an invalid line stops it with its number, unless skipInvalid. */
export async function forEachTraceRequest(
  path: string,
  visit: (request: TraceRequest) => void,
  options: TraceReadOptions = {},
): Promise<TraceRead> {
  const unreadable = traceFileProblem(path);
  if (unreadable) throw new TraceError(unreadable);
  const read: TraceRead = { requests: 0, skippedLines: [] };
  const limit = options.maxModelLen;
  // A request too long for the stack is an invalid line like any other: refused with its number, or skipped.
  const schema = limit
    ? {
        parse(value: unknown): TraceRequest {
          const request = traceRequest.parse(value);
          if (tooLong(request, limit)) throw new TraceError("too long for the stack");
          return request;
        },
      }
    : traceRequest;
  read.requests = await forEachValidLine(
    path,
    schema,
    visit,
    (line, lineNumber) => {
      if (!options.skipInvalid) {
        const offer = options.offerSkip === false ? "" : " (use --skip-invalid to skip such lines)";
        throw new TraceError(`${path}, line ${lineNumber}: ${problem(line, limit)}${offer}`);
      }
      read.skippedLines.push(lineNumber);
    },
    { maxLineBytes: MAX_TRACE_LINE_BYTES },
  );
  if (read.requests === 0) throw new TraceError(`${path}: the trace has no requests`);
  return read;
}
