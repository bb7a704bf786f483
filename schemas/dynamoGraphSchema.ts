import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../projectRoot";
import { crdValidator, type StructuralSchema } from "./structuralSchema";
import { UserError } from "../userError";

export const DGD_SCHEMA_DIR = join(PROJECT_ROOT, "schemas", "dynamo");

export function dgdSchemaFile(version: string): string {
  return join(DGD_SCHEMA_DIR, `dynamographdeployment.${version}.json`);
}

export function dgdTypesFile(version: string): string {
  return join(DGD_SCHEMA_DIR, `dynamographdeployment.${version}.ts`);
}

/** The operator's schema for one DynamoGraphDeployment version, as scripts/generate-dgd-models.ts extracted it. */
export interface DgdSchemaFile {
  /** Where the CRD came from: `<repository>@<commit>:<path>`. */
  source: string;
  version: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  schema: StructuralSchema;
}

const validators = new Map<string, (object: unknown) => string[]>();

export function dgdSchema(version: string): DgdSchemaFile {
  return JSON.parse(readFileSync(dgdSchemaFile(version), "utf8")) as DgdSchemaFile;
}

/**
 * What the API server would refuse or silently drop in a DynamoGraphDeployment, checked against
 * the operator's own CRD schema for its apiVersion: one line per problem, none when it is accepted.
 */
export function dynamoGraphProblems(graph: { apiVersion: string }): string[] {
  const version = graph.apiVersion.split("/")[1];
  let validate = validators.get(version);
  if (!validate) {
    validate = crdValidator(dgdSchema(version).schema);
    validators.set(version, validate);
  }
  return validate(graph);
}

/** Stops `render`, `preview` and `up` before a graph that the operator's CRD would refuse or prune is applied. */
export function assertDynamoGraphAccepted(graph: { apiVersion: string; metadata?: { name?: string } }): void {
  const problems = dynamoGraphProblems(graph);
  if (problems.length === 0) return;
  const version = graph.apiVersion.split("/")[1];
  throw new UserError(
    `DynamoGraphDeployment ${graph.metadata?.name}: the operator's CRD (${version}, ${dgdSchema(version).source}) would refuse or drop:\n` +
      problems.map((problem) => `  - ${problem}`).join("\n"),
  );
}
