import { readFileSync } from "node:fs";
import { crdValidator, type StructuralSchema } from "./structuralSchema";
import { UserError } from "../../lib/userError";
import { crdSchemaFile, releaseName, type DynamoRelease } from "./dynamoReleases";
import { graphCommandProblems } from "./dynamoCommands";

/** The operator's schema for one DynamoGraphDeployment version, as scripts/generate-dynamo-release.ts extracted it. */
export interface DgdSchemaFile {
  /** Where the CRD came from: `<repository>@<commit>:<path>`. */
  source: string;
  version: string;
  schema: StructuralSchema;
}

const validators = new Map<string, (object: unknown) => string[]>();

export function dgdSchema(release: DynamoRelease, version: string): DgdSchemaFile {
  return JSON.parse(readFileSync(crdSchemaFile(release, version), "utf8")) as DgdSchemaFile;
}

function apiVersionOf(graph: { apiVersion: string }): string {
  return graph.apiVersion.split("/")[1];
}

/**
 * What the API server would refuse or silently drop in a DynamoGraphDeployment, checked against
 * the release's own CRD schema for its apiVersion: one line per problem, none when it is accepted.
 */
export function dynamoGraphProblems(graph: { apiVersion: string }, release: DynamoRelease): string[] {
  const version = apiVersionOf(graph);
  if (!release.dynamoGraphDeployment.served.includes(version)) {
    return [`apiVersion: ${releaseName(release)} serves ${release.dynamoGraphDeployment.served.join(" and ")}, not ${version}`];
  }
  const key = `${release.release}/${version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = crdValidator(dgdSchema(release, version).schema);
    validators.set(key, validate);
  }
  return validate(graph);
}

/**
 * Stops `render`, `preview` and `up` before a graph that the release's CRD would refuse or prune, or
 * whose commands carry a flag that release's components do not take, is applied.
 */
export function assertDynamoGraphAccepted(graph: { apiVersion: string; metadata?: { name?: string } }, release: DynamoRelease): void {
  const version = apiVersionOf(graph);
  const schemaProblems = dynamoGraphProblems(graph, release);
  const commandProblems = graphCommandProblems(graph, release);
  if (schemaProblems.length === 0 && commandProblems.length === 0) return;
  const lines = [
    ...(schemaProblems.length > 0
      ? [`${releaseName(release)}'s CRD (${version}) would refuse or drop:`, ...schemaProblems.map((p) => `  - ${p}`)]
      : []),
    ...(commandProblems.length > 0
      ? [`${releaseName(release)}'s components would not start:`, ...commandProblems.map((p) => `  - ${p}`)]
      : []),
  ];
  throw new UserError(`DynamoGraphDeployment ${graph.metadata?.name}: ${lines.join("\n")}`);
}
