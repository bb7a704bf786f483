import { createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TraceRequest } from "../../sim/trace/traceFile";

/** A deterministic pseudo-random sequence in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A conversation-like trace in Mooncake's format: sessions whose turns extend their own history,
 * on top of a few shared system prompts, arriving about every 300 ms. Block ids follow prefixes,
 * as Mooncake's do: a block id stands for its whole prefix, so a repeated id repeats its prefix.
 * Deterministic for a seed.
 */
export function* conversationTrace(requests: number, { seed = 7, firstBlockId = 0, maxBlocksPerTurn = 16 } = {}): Generator<TraceRequest> {
  const next = random(seed);
  let nextBlock = firstBlockId;
  const systemPrompts = Array.from({ length: 8 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => nextBlock++));
  const sessions: number[][] = [];
  let timestamp = 0;
  for (let i = 0; i < requests; i++) {
    let pick = Math.floor(next() * sessions.length);
    if (sessions.length === 0 || next() < 0.5 || sessions[pick].length > 96) {
      const fresh = [...systemPrompts[Math.floor(next() * next() * systemPrompts.length)]];
      if (sessions.length >= 200) sessions.splice(pick, 1);
      sessions.push(fresh);
      pick = sessions.length - 1;
    }
    const history = sessions[pick];
    const added = 1 + Math.floor(next() * maxBlocksPerTurn);
    for (let b = 0; b < added; b++) history.push(nextBlock++);
    yield {
      timestamp: Math.round(timestamp),
      input_length: history.length * 512 - Math.floor(next() * 512),
      output_length: 1 + Math.floor(next() * 600),
      hash_ids: [...history],
    };
    timestamp += next() * 600;
  }
}

export function traceFile(lines: (TraceRequest | string)[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-trace-")), "trace.jsonl");
  writeFileSync(path, lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n") + "\n");
  return path;
}

export async function writeTrace(path: string, requests: Iterable<TraceRequest>): Promise<void> {
  const out = createWriteStream(path);
  for (const request of requests) if (!out.write(`${JSON.stringify(request)}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}
