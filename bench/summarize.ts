// Times `npm run cli -- summarize` on generated aiperf runs of 30k and 120k requests, with and
// without aiperf's aggregate, and prints wall time and peak memory of the whole command.
// Usage: npm run bench -- bench/summarize.ts
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordLine } from "../tests/support/aiperfArtifacts";

/** A deterministic pseudo-random sequence, so every run of the bench reads the same file. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

async function writeRecords(path: string, count: number): Promise<void> {
  const next = random(42);
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const osl = 1 + Math.floor(next() * 686); // averages ~343 tokens, as the conversation trace does
    const ttft = 50 + next() * 3_000;
    const itl = 5 + next() * 40;
    const line = JSON.parse(
      recordLine({ startMs: i * 300, endMs: i * 300 + ttft + osl * itl, ttft, itl, latency: ttft + osl * itl, isl: 12_000, osl }),
    );
    line.metrics.inter_chunk_latency.value = Array.from({ length: osl - 1 }, () => itl * (0.5 + next()));
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function timeCommand(dir: string): { seconds: number; peakMiB: number } {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %M", "npm", "run", "--silent", "cli", "--", "summarize", dir, "--json"], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const [seconds, kib] = result.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { seconds, peakMiB: kib / 1024 };
}

async function main(): Promise<void> {
  console.log("records  file MiB  aggregate  seconds  peak MiB");
  for (const count of [30_000, 120_000]) {
    const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-summarize-"));
    await writeRecords(join(dir, "profile_export.jsonl"), count);
    const fileMiB = statSync(join(dir, "profile_export.jsonl")).size / 2 ** 20;
    for (const withAggregate of [false, true]) {
      if (withAggregate) {
        const metric = { unit: "ms", avg: 1, p50: 1, p90: 1, p99: 1 };
        const tags = ["time_to_first_token", "inter_token_latency", "request_latency", "input_sequence_length", "output_sequence_length"];
        writeFileSync(join(dir, "profile_export_aiperf.json"), JSON.stringify(Object.fromEntries(tags.map((tag) => [tag, metric]))));
      }
      const { seconds, peakMiB } = timeCommand(dir);
      console.log(
        `${String(count).padStart(7)}  ${fileMiB.toFixed(0).padStart(8)}  ${(withAggregate ? "yes" : "no").padStart(9)}  ` +
          `${seconds.toFixed(2).padStart(7)}  ${peakMiB.toFixed(0).padStart(8)}`,
      );
    }
  }
}

void main();
