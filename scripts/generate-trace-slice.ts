// Writes the shipped slice of the trace, examples/trace/conversation_trace_first300.jsonl: the first
// requests of the Mooncake FAST'25 conversation trace, its lines byte for byte, for working offline
// (examples/trace/README.md states its source and license):
//
//   npx dynamo-bench trace fetch                                   # the whole trace, sha256-checked
//   npm run ts -- scripts/generate-trace-slice.ts [trace] [out]    # default: the fetched trace, the shipped slice
//
// The source must be the pinned trace (its sha256 is checked), so the same slice comes out every time;
// tests/sim/traceSlice.test.ts checks the shipped one against the sha256 recorded in domain/pins.ts.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../lib/projectRoot";
import { DEFAULT_TRACE_FILE, PINS, TRACE_SLICE } from "../domain/pins";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * The first `requests` lines of the trace at `source`, each with its newline, as they are in the file;
 * refused unless the file's sha256 is `expectedSha256`, as a slice of another trace would pass for this one.
 */
export function traceSlice(source: string, requests: number, expectedSha256: string): Buffer {
  const bytes = readFileSync(source);
  const digest = sha256(bytes);
  if (digest !== expectedSha256) {
    throw new Error(`${source} has sha256 ${digest}, not the pinned ${expectedSha256}: fetch it with npx dynamo-bench trace fetch`);
  }
  let end = 0;
  for (let line = 0; line < requests; line++) {
    const newline = bytes.indexOf(0x0a, end);
    if (newline === -1) throw new Error(`${source} has fewer than ${requests} lines`);
    end = newline + 1;
  }
  return bytes.subarray(0, end);
}

if (require.main === module) {
  const source = process.argv[2] ?? join(PROJECT_ROOT, DEFAULT_TRACE_FILE);
  const out = process.argv[3] ?? join(PROJECT_ROOT, TRACE_SLICE.file);
  const slice = traceSlice(source, TRACE_SLICE.requests, PINS.traceSha256);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, slice);
  const digest = sha256(slice);
  process.stderr.write(`wrote ${out}: ${TRACE_SLICE.requests} requests, ${slice.length} bytes, sha256 ${digest}\n`);
  if (digest !== TRACE_SLICE.sha256) process.stderr.write(`note: domain/pins.ts records sha256 ${TRACE_SLICE.sha256}; update it\n`);
}
