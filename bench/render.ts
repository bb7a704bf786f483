// Times `npx dynamo-bench render` of each stack as a user calls it, whole command included: quick
// enough to run on every commit, as the committed manifests need.
// Usage: npm run bench -- bench/render.ts
import { spawnSync } from "node:child_process";

function bestOf(runs: number, args: string[]): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync("npx", args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    if (result.status !== 0) throw new Error(result.stderr);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best;
}

for (const stack of ["agg", "disagg"]) {
  console.log(`npx dynamo-bench render -s ${stack}: ${bestOf(5, ["dynamo-bench", "render", "-s", stack]).toFixed(2)} s (best of 5)`);
}
console.log(`npx dynamo-bench render --check (both stacks): ${bestOf(3, ["dynamo-bench", "render", "--check"]).toFixed(2)} s (best of 3)`);
