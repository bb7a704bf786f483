// Times `npx dynamo-bench trace stats` (through `npm run cli`) on a 120k-request trace against plain node reading the file
// and JSON.parse-ing every line, both as whole commands. The goal: at most 2× the plain read.
// Usage: npm run bench -- bench/traceStats.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversationTrace, writeTrace } from "../tests/support/traceFixtures";

const PLAIN_READ = `const fs = require("fs"); let n = 0;
for (const line of fs.readFileSync(process.argv[1], "utf8").split("\\n")) if (line) { JSON.parse(line); n++; }
console.log(n);`;

function bestOf(runs: number, command: string, args: string[]): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best;
}

async function main(): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-trace-")), "trace.jsonl");
  // Ten times the conversation trace: ids run to seven digits, inputs average ~12.5k tokens (33 MB).
  await writeTrace(path, conversationTrace(120_000, { firstBlockId: 1_000_000, maxBlocksPerTurn: 22 }));
  console.log(`trace: 120,000 requests, ${(statSync(path).size / 1e6).toFixed(1)} MB`);
  const plain = bestOf(5, process.execPath, ["-e", PLAIN_READ, path]);
  const cli = bestOf(5, "npm", ["run", "--silent", "cli", "--", "trace", "stats", path, "--json"]);
  const direct = bestOf(5, process.execPath, ["cli/launch.js", "trace", "stats", path, "--json"]);
  console.log(`plain node read + JSON.parse:      ${plain.toFixed(3)} s (best of 5)`);
  console.log(`npm run cli -- trace stats:        ${cli.toFixed(3)} s (best of 5), ${(cli / plain).toFixed(2)}× (goal ≤ 2×)`);
  console.log(`the same without npm (node cli/launch.js): ${direct.toFixed(3)} s, ${(direct / plain).toFixed(2)}×`);
}

void main();
