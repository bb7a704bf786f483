import { createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TraceRequest } from "../../trace/traceFile";

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
 * on top of a few shared system prompts, arriving about every 300 ms. Deterministic for a seed.
 */
export function* conversationTrace(requests: number, seed = 7): Generator<TraceRequest> {
  const next = random(seed);
  let nextBlock = 0;
  const systemPrompts = Array.from({ length: 8 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => nextBlock++));
  const sessions: number[][] = [];
  let timestamp = 0;
  for (let i = 0; i < requests; i++) {
    let history: number[];
    if (sessions.length === 0 || next() < 0.3) {
      history = [...systemPrompts[Math.floor(next() * next() * systemPrompts.length)]];
      sessions.push(history);
      if (sessions.length > 200) sessions.shift();
    } else {
      history = sessions[Math.floor(next() * sessions.length)];
    }
    const added = 1 + Math.floor(next() * 8);
    for (let b = 0; b < added; b++) history.push(nextBlock++);
    const hashIds = history.slice(-60);
    yield {
      timestamp: Math.round(timestamp),
      input_length: hashIds.length * 512 - Math.floor(next() * 512),
      output_length: 1 + Math.floor(next() * 600),
      hash_ids: hashIds,
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
