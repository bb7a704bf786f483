import assert from "node:assert/strict";
import type { TraceRequest } from "../../sim/trace/traceFile";
import { runCli, STACK_TRACE, type CliResult } from "./cli";

/** A request whose hash ids are its own, one per 512-token trace block from `firstId`. */
export const request = (timestamp: number, input: number, output: number, firstId: number): TraceRequest => ({
  timestamp,
  input_length: input,
  output_length: output,
  hash_ids: Array.from({ length: Math.ceil(input / 512) }, (_, i) => firstId + i),
});

/** `dynamo-bench simulate <args>`. */
export const simulate = (...args: string[]): Promise<CliResult> => runCli(["simulate", ...args]);

/** A run that succeeded and printed no NaN, no Infinity and no stack trace. */
export function assertClean(result: CliResult, what: string): void {
  assert.equal(result.status, 0, `${what}: ${result.stderr}`);
  assert.doesNotMatch(result.stdout + result.stderr, /NaN|Infinity/, what);
  assert.doesNotMatch(result.stderr, STACK_TRACE, what);
}

/** The command's one error line: it must fail, in one line, with no stack trace. */
export function oneErrorLine(result: CliResult): string {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  return lines[0];
}
