import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { projectStackFile, readPulumiProject } from "../stack/config/pulumiProject";
import { PROJECT_ROOT } from "../lib/projectRoot";
import { z } from "zod";
import { UserError } from "../lib/userError";
import { isRunName, RUN_NAME_RULE } from "../analysis/runs/runName";

export { PROJECT_ROOT };

const stackName = z.string().refine(isRunName, { error: `a stack name has ${RUN_NAME_RULE}` });

/** The stacks with a Pulumi.<stack>.yaml in the stack folder of the project in `root` (its stackConfigDir, if set). */
export function availableStacks(root = PROJECT_ROOT): string[] {
  const dir = readPulumiProject(root).stackConfigDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** Where `pulumi up -s <stack>` reads the stack's file: beside Pulumi.yaml, or in its stackConfigDir. */
export function stackFileOf(stack: string, root = PROJECT_ROOT): string {
  return projectStackFile(readPulumiProject(root), stack);
}

/** The stack file for `--stack NAME`, or the `--config-file` given instead. */
export function stackFilePath(options: { stack?: string; configFile?: string }): string {
  if (options.configFile !== undefined) {
    if (options.configFile === "") throw new UserError("--config-file: give a file path");
    return resolve(options.configFile);
  }
  const parsed = stackName.safeParse(options.stack);
  if (!parsed.success) {
    throw new UserError(`--stack: ${options.stack === undefined ? "give --stack or --config-file" : parsed.error.issues[0].message}`);
  }
  const path = stackFileOf(parsed.data);
  if (!existsSync(path)) {
    const where = relative(PROJECT_ROOT, path) === `Pulumi.${parsed.data}.yaml` ? "" : ` (Pulumi.yaml's stackConfigDir puts it at ${path})`;
    const stacks = availableStacks();
    throw new UserError(
      `--stack: there is no Pulumi.${parsed.data}.yaml${where}; ` +
        (stacks.length > 0 ? `the stacks here are: ${stacks.join(", ")}` : "there is no stack file"),
    );
  }
  return path;
}

/** Where the reviewed manifests of a stack are committed: manifests/<stack>/. */
export function committedManifestsDir(options: { stack?: string; configFile?: string }): string {
  if (!options.stack) throw new UserError("--check: give --stack, or --out with the directory to check");
  return join(PROJECT_ROOT, "manifests", options.stack);
}
