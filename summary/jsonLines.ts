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

/**
 * Calls `visit` with each line of a JSON Lines file (1-based numbers), reading it in chunks so
 * that memory stays flat however large the file is. A last line without a newline is still visited.
 * With `dropValueArrays`, array-valued `"value"`s arrive emptied (see withoutValueArrays).
 */
export async function forEachLine(
  path: string,
  visit: (line: string, lineNumber: number) => void,
  options: { dropValueArrays?: boolean } = {},
): Promise<void> {
  const text = options.dropValueArrays
    ? withoutValueArrays
    : (buffer: Buffer, start: number, end: number) => buffer.toString("utf8", start, end);
  let carry: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 2 ** 20 })) {
    const buffer = chunk as Buffer;
    let start = 0;
    let newline = buffer.indexOf(NEWLINE);
    if (carry.length > 0) {
      // Only the line split across chunks is copied, never the whole chunk.
      if (newline === -1) {
        carry = Buffer.concat([carry, buffer]);
        continue;
      }
      const joined = Buffer.concat([carry, buffer.subarray(0, newline)]);
      visit(text(joined, 0, joined.length), ++lineNumber);
      start = newline + 1;
      newline = buffer.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      visit(text(buffer, start, newline), ++lineNumber);
      start = newline + 1;
      newline = buffer.indexOf(NEWLINE, start);
    }
    carry = buffer.subarray(start);
  }
  if (carry.length > 0) visit(text(carry, 0, carry.length), ++lineNumber);
}

/**
 * Calls `visit` with each non-blank line of a JSON Lines file, parsed and validated by `schema`;
 * a line that is not JSON or fails the schema goes to `onInvalid` instead. Returns the valid count.
 */
export async function forEachValidLine<T>(
  path: string,
  schema: { parse(value: unknown): T },
  visit: (value: T) => void,
  onInvalid: (line: string, lineNumber: number) => void,
  options: { dropValueArrays?: boolean } = {},
): Promise<number> {
  let valid = 0;
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
    options,
  );
  return valid;
}
