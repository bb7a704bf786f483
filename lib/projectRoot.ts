import { resolve } from "node:path";

/**
 * The repository root, where Pulumi.yaml, the stack files, the in-cluster scripts and results/
 * live. The CLI's bundle (cli/launch.js) has the root written in at build time, since its own
 * directory is elsewhere.
 */
export const PROJECT_ROOT = process.env.DYNAMO_BENCH_BUNDLED_ROOT ?? resolve(__dirname, "..");
