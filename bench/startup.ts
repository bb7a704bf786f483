// How quickly the CLI starts, as a paired ratio to `node -e 0` on the same machine: each pair runs
// the two back to back, so that a machine that slows down weighs on both. The goal: the documented
// `node cli/launch.js` within 3× `node -e 0`. npx starts npm first, which costs it far more.
// Usage: npm run bench -- bench/startup.ts
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../lib/projectRoot";

const PAIRS = 15;

function seconds(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The first start may build the bundle; it is not what is timed.
seconds(process.execPath, ["cli/launch.js", "--version"]);
for (const [name, command, args] of [
  ["node cli/launch.js --version", process.execPath, ["cli/launch.js", "--version"]],
  ["npx dynamo-bench --version", "npx", ["dynamo-bench", "--version"]],
] as const) {
  const ratios: number[] = [];
  const times: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const baseline = seconds(process.execPath, ["-e", "0"]);
    const time = seconds(command, [...args]);
    ratios.push(time / baseline);
    times.push(time);
  }
  console.log(`${name}: ${median(times).toFixed(3)} s, ${median(ratios).toFixed(2)}× node -e 0 (median of ${PAIRS} pairs)`);
}
