import { createReadStream } from "node:fs";

const NEWLINE = 0x0a;
const SPACE = 0x20;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const VALUE_KEY = Buffer.from('"value":');

/**
 * The text of one line with every array-valued `"value"` emptied. aiperf stores one number per
 * token there (inter_chunk_latency): nearly all of a record's bytes, and nothing a summary uses.
 * Cutting them out before JSON.parse is what makes a 120k-request file quick to read.
 */
function withoutValueArrays(buffer: Buffer, start: number, end: number): string {
  let text = "";
  let cursor = start;
  let found = buffer.indexOf(VALUE_KEY, cursor);
  while (found !== -1 && found < end) {
    let at = found + VALUE_KEY.length;
    while (buffer[at] === SPACE) at++;
    if (buffer[at] === OPEN_BRACKET) {
      const close = buffer.indexOf(CLOSE_BRACKET, at);
      if (close === -1 || close >= end) break;
      text += `${buffer.toString("utf8", cursor, at)}[]`;
      cursor = close + 1;
    }
    found = buffer.indexOf(VALUE_KEY, at);
  }
  return text + buffer.toString("utf8", cursor, end);
}

/** A line longer than this is no record aiperf writes (its largest are tens of MiB), and would not fit a string. */
export const MAX_LINE_BYTES = 256 * 2 ** 20;

/**
 * Calls `visit` with each line of a JSON Lines file (1-based numbers), reading it in chunks so
 * that memory stays flat however large the file is. A last line without a newline is still visited.
 * With `dropValueArrays`, array-valued `"value"`s arrive emptied (see withoutValueArrays). A line
 * past `maxLineBytes` (MAX_LINE_BYTES) goes to `tooLong` as soon as it crosses the limit, unread;
 * `tooLong` may throw to stop reading there.
 */
export async function forEachLine(
  path: string,
  visit: (line: string, lineNumber: number) => void,
  options: { dropValueArrays?: boolean; tooLong?: (lineNumber: number) => void; maxLineBytes?: number } = {},
): Promise<void> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const text = options.dropValueArrays
    ? withoutValueArrays
    : (buffer: Buffer, start: number, end: number) => buffer.toString("utf8", start, end);
  // The line split across chunks, kept as its pieces: joined once, at its end.
  let carry: Buffer[] = [];
  let carried = 0;
  let lineNumber = 0;
  const overLimit = () => {
    // Past the limit, the rest of the line is only counted, never kept.
    carry = [];
    options.tooLong?.(lineNumber + 1);
  };
  const endLine = (last: Buffer) => {
    lineNumber++;
    if (carried <= maxLineBytes && carried + last.length > maxLineBytes) overLimit();
    if (carried + last.length <= maxLineBytes) {
      const joined = carry.length > 0 ? Buffer.concat([...carry, last]) : last;
      visit(text(joined, 0, joined.length), lineNumber);
    }
    carry = [];
    carried = 0;
  };
  const carryOn = (piece: Buffer) => {
    const wasWithin = carried <= maxLineBytes;
    carried += piece.length;
    if (carried <= maxLineBytes) carry.push(piece);
    else if (wasWithin) overLimit();
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 2 ** 20 })) {
    const buffer = chunk as Buffer;
    let start = 0;
    let newline = buffer.indexOf(NEWLINE);
    if (carried > 0) {
      if (newline === -1) {
        carryOn(buffer);
        continue;
      }
      endLine(buffer.subarray(0, newline));
      start = newline + 1;
      newline = buffer.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      lineNumber++;
      if (newline - start > maxLineBytes) options.tooLong?.(lineNumber);
      else visit(text(buffer, start, newline), lineNumber);
      start = newline + 1;
      newline = buffer.indexOf(NEWLINE, start);
    }
    if (start < buffer.length) carryOn(buffer.subarray(start));
  }
  if (carried > 0) endLine(Buffer.alloc(0));
}

/**
 * Calls `visit` with each non-blank line of a JSON Lines file, parsed and validated by `schema`;
 * a line that is not JSON or fails the schema goes to `onInvalid` instead, and so does a line past
 * `maxLineBytes`, as `undefined`. Returns the valid count.
 */
export async function forEachValidLine<T>(
  path: string,
  schema: { parse(value: unknown): T },
  visit: (value: T) => void,
  onInvalid: (line: string | undefined, lineNumber: number) => void,
  options: { dropValueArrays?: boolean; maxLineBytes?: number } = {},
): Promise<number> {
  let valid = 0;
  const tooLong = (lineNumber: number) => onInvalid(undefined, lineNumber);
  await forEachLine(
    path,
    (line, lineNumber) => {
      if (line.trim() === "") return;
      let value: T;
      try {
        value = schema.parse(JSON.parse(line));
      } catch {
        onInvalid(line, lineNumber);
        return;
      }
      valid++;
      visit(value);
    },
    { ...options, tooLong },
  );
  return valid;
}
