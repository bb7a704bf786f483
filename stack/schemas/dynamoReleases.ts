import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import release13 from "./dynamo/releases/1.3/release.json";
import release14 from "./dynamo/releases/1.4/release.json";
import release15dev from "./dynamo/releases/1.5-dev/release.json";

/** One release's tables, written by scripts/generate-dynamo-release.ts from Dynamo's source at one commit. */
export const RELEASES_DIR = join(PROJECT_ROOT, "stack", "schemas", "dynamo", "releases");

export interface FlagSpec {
  /** A switch takes no value; a value flag takes the next word; `values`, one or more. */
  takes: "switch" | "value" | "values";
  /** Where it is declared: `<path>:<line>` at the release's commit. */
  at: string;
  /** How argparse converts the value: int, float, str; text for any other converter. */
  type?: "int" | "float" | "str" | "text" | null;
  choices?: string[] | null;
  /** Choices computed at run time (a parser registry), which the source alone cannot list. */
  choices_unresolved?: string;
  /** The `if` the declaration sits under, as the source writes it. */
  condition?: string;
}

export interface ComponentFlags {
  /** The modules whose declarations these are: the component's own, and those it imports flags from. */
  modules: string[];
  flags: Record<string, FlagSpec>;
}

export const DYNAMO_MODULES = ["dynamo.frontend", "dynamo.vllm", "dynamo.mocker"] as const;
export type DynamoModule = (typeof DYNAMO_MODULES)[number];

export interface DynamoRelease {
  /** "1.3", "1.4", or "1.5-dev" for a tree that is no release's. */
  release: string;
  /** The Dynamo versions the table stands for: from, and below (null: every later one). */
  covers: { from: string; below: string | null };
  source: { repository: string; commit: string; treeVersion: string; chosenBecause: string };
  /** The API versions the CRD serves and stores, and the fields its v1alpha1 services may carry. */
  dynamoGraphDeployment: { served: string[]; storage: string; deprecated: string[]; serviceFields: string[] };
  components: Record<DynamoModule, ComponentFlags>;
  /** The vLLM the release pins, and the vLLM flags Dynamo's own deployments pass to dynamo.vllm (flag -> one file). */
  vllm: { version: string; flagsInDynamoDeployments: Record<string, string> };
  environment: {
    /** DYN_SELF_HOST_METADATA's default: do workers serve their model card's files themselves? */
    selfHostMetadataDefault: { value: boolean; at: string };
    /** What the operator sets in every worker container. */
    operatorWorkerEnv: Record<string, { value: string; at: string }>;
  };
}

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const [major, minor, patch] = text.split(".").map(Number);
  return [major, minor, patch];
}

function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Every committed release table, oldest first; a new one is generated, then listed here. */
const RELEASES = [release13, release14, release15dev] as DynamoRelease[];

export function dynamoReleases(): DynamoRelease[] {
  return RELEASES;
}

/** The table that stands for a Dynamo version ("1.3.1"); undefined when it is older than every table. */
export function releaseFor(version: string): DynamoRelease | undefined {
  const wanted = parseVersion(version);
  return dynamoReleases().find(
    ({ covers }) =>
      compareVersions(wanted, parseVersion(covers.from)) >= 0 &&
      (covers.below === null || compareVersions(wanted, parseVersion(covers.below)) < 0),
  );
}

/** True when the table was read at that release's own branch point, not at a development tree that stands in for it. */
export function isReleaseTree(release: DynamoRelease): boolean {
  return !release.release.endsWith("-dev");
}

/** `Dynamo 1.4 (ai-dynamo/dynamo@5a638087)`: what a message names a table by. */
export function releaseName(release: DynamoRelease): string {
  return `Dynamo ${release.release} (${release.source.repository}@${release.source.commit.slice(0, 8)})`;
}

export function crdSchemaFile(release: DynamoRelease, apiVersion: string): string {
  return join(RELEASES_DIR, release.release, `dynamographdeployment.${apiVersion}.json`);
}
