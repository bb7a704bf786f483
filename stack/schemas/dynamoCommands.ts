import { DYNAMO_MODULES, releaseName, type DynamoModule, type DynamoRelease, type FlagSpec } from "./dynamoReleases";

/** One container command of the graph: which service runs which `python3 -m <module>`, with what. */
export interface GraphCommand {
  service: string;
  module: string;
  args: string[];
}

interface Container {
  name?: string;
  command?: string[];
  args?: string[];
}

interface AnyGraph {
  spec?: {
    services?: Record<string, { extraPodSpec?: { mainContainer?: Container } }>;
    components?: { name: string; podTemplate?: { spec?: { containers?: Container[] } } }[];
  };
}

/** The main container's command of every service (v1alpha1) or component (v1beta1). */
export function graphCommands(graph: object): GraphCommand[] {
  const { spec } = graph as AnyGraph;
  const mains: [string, Container | undefined][] = [
    ...Object.entries(spec?.services ?? {}).map(([service, s]): [string, Container | undefined] => [
      service,
      s.extraPodSpec?.mainContainer,
    ]),
    ...(spec?.components ?? []).map((c): [string, Container | undefined] => [
      c.name,
      c.podTemplate?.spec?.containers?.find((x) => x.name === "main"),
    ]),
  ];
  return mains.flatMap(([service, container]) => {
    const command = container?.command ?? [];
    const at = command.indexOf("-m");
    return at >= 0 && command[at + 1] ? [{ service, module: command[at + 1], args: container?.args ?? [] }] : [];
  });
}

function isDynamoModule(module: string): module is DynamoModule {
  return (DYNAMO_MODULES as readonly string[]).includes(module);
}

function valueProblem(flag: string, spec: FlagSpec, value: string): string | undefined {
  if (spec.choices && !spec.choices.includes(value)) return `${flag} ${value}: must be one of ${spec.choices.join(", ")}`;
  if (spec.type === "int" && !/^-?[0-9]+$/.test(value)) return `${flag} ${value}: must be a whole number`;
  if (spec.type === "float" && (value.trim() === "" || !Number.isFinite(Number(value)))) return `${flag} ${value}: must be a number`;
  return undefined;
}

/**
 * What a release's component would refuse in one command line: a flag it does not declare (the
 * frontend and the mocker exit on one; dynamo.vllm hands what it does not declare to vLLM's
 * parser, so there a flag must be one that Dynamo's own deployments of that release pass to vLLM),
 * a missing value, or a value its parser cannot convert or does not allow.
 */
export function commandProblems(module: DynamoModule, args: readonly string[], release: DynamoRelease): string[] {
  const { flags } = release.components[module];
  const toVllm = module === "dynamo.vllm" ? release.vllm.flagsInDynamoDeployments : {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (!word.startsWith("-")) {
      problems.push(`${word}: a value with no flag before it`);
      continue;
    }
    const [flag, inline] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    const spec = flags[flag];
    if (!spec) {
      if (Object.hasOwn(toVllm, flag)) {
        if (inline === undefined && args[i + 1] !== undefined && !args[i + 1].startsWith("--")) i++;
        continue;
      }
      const where =
        module === "dynamo.vllm"
          ? `neither a flag of dynamo.vllm nor one that Dynamo's own deployments pass to vLLM ${release.vllm.version}`
          : `not a flag of ${module}`;
      problems.push(`${flag}: ${where} in ${releaseName(release)}`);
      continue;
    }
    if (spec.takes === "switch") {
      if (inline !== undefined) problems.push(`${flag}: a switch, which takes no value`);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) {
      problems.push(`${flag}: needs a value`);
      continue;
    }
    const problem = valueProblem(flag, spec, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Every problem of every Dynamo command in the graph, each line naming its service. */
export function graphCommandProblems(graph: object, release: DynamoRelease): string[] {
  return graphCommands(graph).flatMap(({ service, module, args }) =>
    isDynamoModule(module)
      ? commandProblems(module, args, release).map((problem) => `${service}: ${problem}`)
      : [`${service}: runs ${module}, which no release table describes`],
  );
}
