import { z } from "zod";
import { forEachLine } from "../../lib/jsonLines";
import { notARegularFile } from "../../lib/regularFile";
import { describeFileError } from "../../lib/fileErrors";
import { UserError } from "../../lib/userError";

/** A line is about 150 bytes; far longer is not one of these, and is refused unread. */
export const MAX_PREDICTED_REQUEST_LINE_BYTES = 4096;
/** Eighty times the recipe's 12,031 requests: the lines are kept in memory, about 100 bytes each. */
export const MAX_PREDICTED_REQUESTS = 1_000_000;

const finite = z.number().check(z.refine(Number.isFinite, { error: "must be a finite number" }));
const time = finite.min(0, { error: "must be ≥ 0" });
const count = z.number().int({ error: "must be a whole number" }).min(0, { error: "must be ≥ 0" });

/** One line of `simulate --requests-out`: one trace request's prediction, in the order aiperf's fixed schedule sends them. */
export const predictedRequestSchema = z.strictObject({
  /** The request's place in the trace, by timestamp (stable: ties keep the file's order), from 0. */
  index: count,
  /** The trace's timestamp, ms from its start. */
  timestamp: time,
  /** Prompt tokens: with the timestamp, what a measured record is matched on. */
  inputLength: count,
  /** The worker it was routed to: agg's, or disagg's prefill worker, from 0. */
  worker: count,
  /** Disagg only: the decode worker, from 0. */
  decodeWorker: count.optional(),
  /** Prompt tokens its worker served from the prefix cache. */
  hitTokens: count,
  ttftMs: time,
  /** Null for a request of one output token, which has no inter-token latency. */
  itlMs: time.nullable(),
  /** When it ends, ms on the trace's clock (its timestamp plus its request latency). */
  endMs: time,
});
export type PredictedRequest = z.infer<typeof predictedRequestSchema>;

const WHOLE = "a whole number ≥ 0";
const MS = "a number of milliseconds ≥ 0";
/** What each field holds, for the line that says one is wrong. */
const EXPECTED: Record<keyof PredictedRequest, string> = {
  index: `${WHOLE} (the request's place in the trace, from 0)`,
  timestamp: `${MS} (from the trace's start)`,
  inputLength: `${WHOLE} (the prompt's tokens)`,
  worker: `${WHOLE} (the worker's number)`,
  decodeWorker: `${WHOLE} (the decode worker's number), or absent`,
  hitTokens: `${WHOLE} (the prompt's tokens served from the prefix cache)`,
  ttftMs: MS,
  itlMs: `${MS}, or null for a request of one output token`,
  endMs: MS,
};
const FIELDS = Object.keys(EXPECTED).join(", ");
const WRITTEN_BY = "give the file simulate --requests-out wrote";

/** A value from the file, short: a number as JSON.parse read it (1e999 is Infinity), anything else as JSON. */
function shown(value: unknown): string {
  const text = typeof value === "number" ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** What is wrong with a line that parsed as JSON but is not one request's prediction. */
function lineProblem(json: unknown, issue: z.core.$ZodIssue): string {
  const field = issue.path[0];
  if (typeof field === "string" && field in EXPECTED) {
    const value = (json as Record<string, unknown>)[field];
    const expected = EXPECTED[field as keyof PredictedRequest];
    return value === undefined ? `has no ${field}: it should be ${expected}` : `${field} is ${shown(value)}: it should be ${expected}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `has the field ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}, which no prediction line has; ${WRITTEN_BY}`;
  }
  const what = json === null ? "null" : Array.isArray(json) ? "an array" : typeof json === "object" ? "an object" : `a ${typeof json}`;
  return `is ${what}, not an object with ${FIELDS}; ${WRITTEN_BY}`;
}

/** The file's text: a line per request, in order. */
export function predictedRequestsText(requests: Iterable<PredictedRequest>): string {
  let text = "";
  for (const request of requests) text += `${JSON.stringify(request)}\n`;
  return text;
}

/**
 * Reads a `--requests-out` file whole, each line checked: a line that is not JSON, has a wrong
 * field, is out of order or is too long stops the read with one line naming it.
 */
export async function readPredictedRequests(flag: string, path: string): Promise<PredictedRequest[]> {
  const why = notARegularFile(path);
  if (why) throw new UserError(`${flag} ${path}: cannot read it (${why})`);
  const requests: PredictedRequest[] = [];
  const bad = (lineNumber: number, problem: string) => new UserError(`${flag} ${path}: line ${lineNumber}: ${problem}`);
  try {
    await forEachLine(
      path,
      (line, lineNumber) => {
        if (line.trim() === "") return;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw bad(lineNumber, `is not JSON; ${WRITTEN_BY}`);
        }
        const parsed = predictedRequestSchema.safeParse(json);
        if (!parsed.success) throw bad(lineNumber, lineProblem(json, parsed.error.issues[0]));
        const request = parsed.data;
        if (request.index !== requests.length) throw bad(lineNumber, `index is ${request.index}, expected ${requests.length}`);
        const previous = requests.at(-1);
        if (previous && request.timestamp < previous.timestamp) throw bad(lineNumber, "timestamp is earlier than the line before's");
        if (requests.length >= MAX_PREDICTED_REQUESTS) throw bad(lineNumber, `more than ${MAX_PREDICTED_REQUESTS} requests`);
        requests.push(request);
      },
      {
        maxLineBytes: MAX_PREDICTED_REQUEST_LINE_BYTES,
        tooLong: (lineNumber) => {
          throw bad(lineNumber, `is longer than ${MAX_PREDICTED_REQUEST_LINE_BYTES} bytes, which no prediction line is`);
        },
      },
    );
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${flag} ${path}: cannot read it (${describeFileError(error)})`);
  }
  if (requests.length === 0) throw new UserError(`${flag} ${path}: holds no requests`);
  return requests;
}
