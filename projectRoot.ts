import { resolve } from "node:path";

/** The repository root, where Pulumi.yaml, the stack files and results/ live. */
export const PROJECT_ROOT = resolve(__dirname);
