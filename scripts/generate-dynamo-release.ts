// Writes stack/schemas/dynamo/releases/<release>/ from one commit of Dynamo's source: the flags of
// dynamo.frontend, dynamo.vllm and dynamo.mocker (read by scripts/dynamo-release/argparse_flags.py
// with Python's own parser), the vLLM flags Dynamo's own deployments pass at that commit, the
// DynamoGraphDeployment API versions and their structural schemas, and the environment defaults
// the stack relies on. Nothing of Dynamo's is run, and no prose of it is kept.
//
//   npm run ts -- scripts/generate-dynamo-release.ts <git-dir> <commit> <release> <covers> <how the commit was chosen>
//
// <git-dir> is a clone of ai-dynamo/dynamo (or a mirror with the same commit ids); <covers> is the
// versions the table stands for, "1.3.0-1.4.0" (from, and below) or "1.5.0-" (from, open-ended).
// docs/reviewing.md#dynamo-releases lists the commands that wrote the committed tables.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { parse as parseShell } from "shell-quote";
import { structuralOnly, type CrdVersion } from "../stack/schemas/structuralSchema";
import { RELEASES_DIR, type ComponentFlags, type DynamoRelease, type FlagSpec } from "../stack/schemas/dynamoReleases";
import { PROJECT_ROOT } from "../lib/projectRoot";

const CRD = "deploy/operator/config/crd/bases/nvidia.com_dynamographdeployments.yaml";
const COMPONENT_ROOTS = {
  "dynamo.frontend": "components/src/dynamo/frontend/frontend_args.py",
  "dynamo.vllm": "components/src/dynamo/vllm/args.py",
  "dynamo.mocker": "components/src/dynamo/mocker/args.py",
} as const;
const SELF_HOST_SOURCE = "lib/llm/src/local_model.rs";
const WORKER_ENV_SOURCE = "deploy/operator/internal/dynamo/component_worker.go";
const OPERATOR_CONSTS = "deploy/operator/internal/consts/consts.go";

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", gitDir, ...args], { encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
}

function show(gitDir: string, commit: string, path: string): string {
  return git(gitDir, "show", `${commit}:${path}`);
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

function componentFlags(gitDir: string, commit: string, root: string): ComponentFlags {
  const script = join(PROJECT_ROOT, "scripts", "dynamo-release", "argparse_flags.py");
  const out = execFileSync("python3", [script, gitDir, commit, root], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const { modules, flags } = JSON.parse(out) as { modules: string[]; flags: Record<string, FlagSpec> };
  return { modules, flags };
}

/** The vLLM version the release's `vllm` extra pins. */
function pinnedVllm(pyproject: string): string {
  const match = /"vllm(?:\[[^\]]*\])?==([0-9][^"]*)"/.exec(pyproject);
  if (!match) throw new Error("pyproject.toml pins no vllm version");
  return match[1];
}

/** Every `--flag` after `dynamo.vllm` in one command line, up to the next shell operator. */
function flagsAfterVllm(words: unknown[]): string[] {
  const flags: string[] = [];
  let inside = false;
  for (const word of words) {
    if (typeof word !== "string") {
      inside = false;
      continue;
    }
    if (word === "dynamo.vllm") inside = true;
    else if (word.includes("dynamo.") && word !== "dynamo.vllm") inside = false;
    else if (inside && /^--[a-z0-9][a-z0-9-]*(=.*)?$/.test(word)) flags.push(word.split("=")[0]);
  }
  return flags;
}

function shellWords(text: string): unknown[] {
  return parseShell(text.replace(/\\\n/g, " "), (name) => `$${name}`);
}

/** Lists of command-line words in a parsed YAML document: containers' command + args, and shell strings in them. */
function commandLines(node: unknown, found: unknown[][] = []): unknown[][] {
  if (Array.isArray(node)) {
    for (const item of node) commandLines(item, found);
  } else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    const words = [record.command, record.args].flatMap((part) => (Array.isArray(part) ? part : typeof part === "string" ? [part] : []));
    if (words.some((word) => typeof word === "string" && word.includes("dynamo.vllm"))) {
      found.push(words.flatMap((word) => (typeof word === "string" && /\s/.test(word) ? shellWords(word) : [word])));
    }
    for (const value of Object.values(record)) commandLines(value, found);
  }
  return found;
}

/**
 * The flags Dynamo's own recipes and examples pass to `python3 -m dynamo.vllm` at this commit, with
 * one file each came from. Those that are not Dynamo's go to the vLLM the release pins, whose own
 * source is not read here: that Dynamo deploys them is the evidence that that vLLM takes them.
 */
function vllmFlagsInDeployments(gitDir: string, commit: string): Record<string, string> {
  const files = git(gitDir, "grep", "-l", "dynamo\\.vllm", commit, "--", "recipes", "examples")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.slice(commit.length + 1))
    .filter((path) => /\.(ya?ml|sh)$/.test(path) && !/(^|\/)tests?\//.test(path))
    .sort();
  const seen: Record<string, string> = {};
  for (const path of files) {
    const text = show(gitDir, commit, path);
    let lines: unknown[][] = [];
    if (path.endsWith(".sh")) {
      lines = [shellWords(text)];
    } else {
      try {
        for (const document of yaml.loadAll(text)) commandLines(document, lines);
      } catch {
        continue; // A template with placeholders is no YAML; other files say the same.
      }
    }
    for (const flag of lines.flatMap(flagsAfterVllm)) seen[flag] ??= path;
  }
  return Object.fromEntries(Object.entries(seen).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function selfHostDefault(gitDir: string, commit: string): DynamoRelease["environment"]["selfHostMetadataDefault"] {
  const source = show(gitDir, commit, SELF_HOST_SOURCE);
  const start = source.indexOf("fn self_host_metadata_default(");
  if (start === -1) throw new Error(`${SELF_HOST_SOURCE} has no self_host_metadata_default at ${commit}`);
  const body = source.slice(start, source.indexOf("\n}\n", start));
  const on = /unwrap_or\(true\)/.test(body);
  const off = /is_some_and\(/.test(body) && !on;
  if (on === off) throw new Error(`cannot tell DYN_SELF_HOST_METADATA's default from ${SELF_HOST_SOURCE} at ${commit}`);
  return { value: on, at: `${SELF_HOST_SOURCE}:${lineOf(source, start)}` };
}

/** The environment the operator gives every worker container, its constants resolved. */
function operatorWorkerEnv(gitDir: string, commit: string): DynamoRelease["environment"]["operatorWorkerEnv"] {
  const source = show(gitDir, commit, WORKER_ENV_SOURCE);
  const consts = show(gitDir, commit, OPERATOR_CONSTS);
  const env: Record<string, { value: string; at: string }> = {};
  for (const match of source.matchAll(/Name:\s*"([A-Z0-9_]+)",\s*\n?\s*Value:\s*([^\n]+?),?\n/g)) {
    const raw = match[2].trim().replace(/,$/, "");
    let value: string | undefined;
    const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
    const formatted = /^fmt\.Sprintf\("%d", commonconsts\.([A-Za-z0-9]+)\)$/.exec(raw);
    if (literal) value = JSON.parse(`"${literal[1]}"`) as string;
    else if (formatted) value = new RegExp(`\\b${formatted[1]}\\s*=\\s*([0-9]+)`).exec(consts)?.[1];
    if (value !== undefined) env[match[1]] = { value, at: `${WORKER_ENV_SOURCE}:${lineOf(source, match.index)}` };
  }
  if (!env.DYN_SYSTEM_PORT) throw new Error(`${WORKER_ENV_SOURCE} at ${commit} sets no DYN_SYSTEM_PORT that could be read`);
  return env;
}

/** The fields a v1alpha1 service may carry, such as runtimeVersionOverride, which releases add. */
function v1alpha1ServiceFields(versions: CrdVersion[]): string[] {
  const schema = versions.find((version) => version.name === "v1alpha1")?.schema.openAPIV3Schema as
    { properties?: { spec?: { properties?: { services?: { additionalProperties?: { properties?: object } } } } } } | undefined;
  const service = schema?.properties?.spec?.properties?.services?.additionalProperties?.properties;
  if (!service) throw new Error(`${CRD} has no v1alpha1 spec.services schema`);
  return Object.keys(service).sort();
}

function main(): void {
  const [gitDir, commit, release, covers, chosenBecause] = process.argv.slice(2);
  if (!chosenBecause)
    throw new Error("usage: generate-dynamo-release.ts <git-dir> <commit> <release> <covers> <how the commit was chosen>");
  const fullCommit = git(gitDir, "rev-parse", `${commit}^{commit}`).trim();
  const [from, below] = covers.split("-");
  const pyproject = show(gitDir, fullCommit, "pyproject.toml");
  const treeVersion = /^version = "([^"]+)"/m.exec(pyproject)?.[1];
  if (!treeVersion) throw new Error("pyproject.toml has no version");

  const crd = yaml.load(show(gitDir, fullCommit, CRD)) as { spec: { versions: CrdVersion[] } };
  const dir = join(RELEASES_DIR, release);
  mkdirSync(dir, { recursive: true });
  for (const version of crd.spec.versions) {
    writeFileSync(
      join(dir, `dynamographdeployment.${version.name}.json`),
      `${JSON.stringify({
        source: `ai-dynamo/dynamo@${fullCommit}:${CRD}`,
        version: version.name,
        schema: structuralOnly(version.schema.openAPIV3Schema),
      })}\n`,
    );
  }
  const components = Object.fromEntries(
    Object.entries(COMPONENT_ROOTS).map(([module, root]) => [module, componentFlags(gitDir, fullCommit, root)]),
  ) as DynamoRelease["components"];
  const storage = crd.spec.versions.find((version) => version.storage);
  if (!storage) throw new Error(`${CRD} names no storage version`);
  const table: DynamoRelease = {
    release,
    covers: { from, below: below || null },
    source: { repository: "ai-dynamo/dynamo", commit: fullCommit, treeVersion, chosenBecause },
    dynamoGraphDeployment: {
      served: crd.spec.versions.filter((version) => version.served).map((version) => version.name),
      storage: storage.name,
      deprecated: crd.spec.versions.filter((version) => version.deprecated).map((version) => version.name),
      serviceFields: v1alpha1ServiceFields(crd.spec.versions),
    },
    components,
    vllm: { version: pinnedVllm(pyproject), flagsInDynamoDeployments: vllmFlagsInDeployments(gitDir, fullCommit) },
    environment: { selfHostMetadataDefault: selfHostDefault(gitDir, fullCommit), operatorWorkerEnv: operatorWorkerEnv(gitDir, fullCommit) },
  };
  writeFileSync(join(dir, "release.json"), `${JSON.stringify(table, null, 1)}\n`);
  process.stdout.write(`wrote ${dir}: Dynamo ${release} from ai-dynamo/dynamo@${fullCommit} (version ${treeVersion})\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
