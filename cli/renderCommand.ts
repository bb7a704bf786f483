import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { shellCommand } from "../stack/config/shellCommands";
import { UserError } from "../lib/userError";
import { multiDocumentYaml, renderStack, staleManifests, writeManifests } from "./render";
import { availableStacks, committedManifestsDir, PROJECT_ROOT, stackFilePath } from "./stackFiles";
import { projectStackFile, readPulumiProject } from "../stack/config/pulumiProject";
import { buildSummaryBundle, SUMMARY_BUNDLE_PATH } from "./summaryBundle";
import type { CommandIo } from "./io";
import { terminalText } from "../lib/terminalText";

export interface RenderOptions {
  stack?: string;
  configFile?: string;
  out?: string;
  check?: boolean;
}

/**
 * The committed manifests show the summarizer bundle by its digest, which is only worth checking
 * if the bundle itself is what analysis/summary/ builds to.
 */
function assertBundleFresh(): void {
  if (readFileSync(SUMMARY_BUNDLE_PATH, "utf8") === buildSummaryBundle()) return;
  throw new UserError(
    `${shownPath(SUMMARY_BUNDLE_PATH)} is stale: analysis/summary/ changed since it was built. ` +
      "Rebuild it with npm run build, then refresh the manifests with npx dynamo-bench render -s <stack> --out manifests/<stack>",
  );
}

export function renderCommand(options: RenderOptions, io: CommandIo): void {
  if (options.check) assertBundleFresh();
  if (options.check && options.stack === undefined && options.configFile === undefined) {
    if (options.out !== undefined)
      throw new UserError("--check --out: give -s or --config-file, to say which stack the directory should hold");
    checkEveryStack(io);
    return;
  }
  const rendered = renderStack(stackFilePath(options));
  for (const warning of rendered.warnings) io.err(`warning: ${terminalText(warning)}\n`);
  if (options.check) {
    if (options.out === "") throw new UserError("--out: give a directory path");
    const dir = options.out ?? committedManifestsDir(options);
    const { problems, strays } = staleManifests(rendered, dir);
    if (problems.length === 0) {
      io.err(`${terminalText(dir)} is up to date\n`);
      return;
    }
    io.out(problems.join(""));
    const source = options.stack ? ["-s", options.stack] : ["--config-file", options.configFile ?? ""];
    throw new UserError(
      `${dir} is stale: ${problems.length} file(s) differ from what render writes. ` +
        `Refresh them with: ${refreshCommand(strays, [["npx", "dynamo-bench", "render", ...source, "--out", shownPath(dir)]])}`,
    );
  }
  if (options.out !== undefined) {
    const files = writeManifests(rendered, options.out);
    io.err(`wrote ${files.length} manifests to ${terminalText(options.out)}\n`);
  } else {
    io.out(multiDocumentYaml(rendered));
  }
}

/**
 * `render --check` with no stack: manifests/<stack> for every Pulumi.<stack>.yaml in `root`, and
 * nothing else in manifests/. Returns what is stale, one entry per problem.
 */
export function staleCommittedManifests(root: string): { problems: string[]; strays: string[]; staleStacks: string[]; upToDate: string[] } {
  const project = readPulumiProject(root);
  const stacks = availableStacks(root);
  if (stacks.length === 0) throw new UserError(`--check: there is no Pulumi.<stack>.yaml in ${root}`);
  const result = { problems: [] as string[], strays: [] as string[], staleStacks: [] as string[], upToDate: [] as string[] };
  const manifestsRoot = join(root, "manifests");
  const entries = existsSync(manifestsRoot) ? readdirSync(manifestsRoot).sort() : [];
  for (const entry of entries.filter((name) => !stacks.includes(name))) {
    result.problems.push(`${join(manifestsRoot, entry)}: no Pulumi.${entry}.yaml renders this; remove it\n`);
    result.strays.push(join(manifestsRoot, entry));
  }
  for (const stack of stacks) {
    const dir = join(manifestsRoot, stack);
    const { problems, strays } = staleManifests(renderStack(projectStackFile(project, stack), project), dir);
    result.problems.push(...problems);
    result.strays.push(...strays);
    (problems.length > 0 ? result.staleStacks : result.upToDate).push(dir);
  }
  return result;
}

function checkEveryStack(io: CommandIo): void {
  const { problems, strays, staleStacks, upToDate } = staleCommittedManifests(PROJECT_ROOT);
  for (const dir of upToDate) io.err(`${terminalText(dir)} is up to date\n`);
  if (problems.length === 0) return;
  io.out(problems.join(""));
  const renders = staleStacks.map((dir) => ["npx", "dynamo-bench", "render", "-s", basename(dir), "--out", shownPath(dir)]);
  throw new UserError(
    `manifests/ is stale: ${problems.length} file(s) differ from what render writes. Refresh them with: ${refreshCommand(strays, renders)}`,
  );
}

/**
 * The command that makes the directories what render writes: render removes only the files an earlier
 * render wrote, so what else is there (strays) is removed first.
 */
function refreshCommand(strays: string[], renders: string[][]): string {
  const removal = strays.length > 0 ? [shellCommand("rm", "-r", "--", ...strays.map(shownPath))] : [];
  return [...removal, ...renders.map((words) => shellCommand(...words))].join(" && ");
}

/** A path as the user would type it from where they are: relative below it, absolute elsewhere. */
function shownPath(path: string): string {
  const fromHere = relative(process.cwd(), resolve(path));
  return fromHere === "" ? "." : fromHere.startsWith("..") || isAbsolute(fromHere) ? resolve(path) : fromHere;
}
