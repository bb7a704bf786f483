import { dynamoReleases, isReleaseTree, releaseFor, releaseName, type DynamoRelease } from "../schemas/dynamoReleases";
import { imageTagVersion, isOverrideVersion } from "./runtimeVersion";

interface GraphImage {
  image: string;
  runtimeVersionOverride?: string;
}

/** The Dynamo version the operator reads for the graph: the override, else graph.image's tag. */
export function dynamoVersion(graph: GraphImage): string | undefined {
  const { runtimeVersionOverride: override } = graph;
  return override !== undefined && isOverrideVersion(override) ? override : imageTagVersion(graph.image);
}

/** Why no release table stands for the graph's Dynamo version; undefined when one does. */
export function unsupportedVersionProblem(graph: GraphImage): string | undefined {
  const version = dynamoVersion(graph);
  if (version === undefined || releaseFor(version)) return undefined;
  const oldest = dynamoReleases()[0].covers.from;
  const said = graph.runtimeVersionOverride === version ? `is ${version}` : `runs Dynamo ${version}`;
  return `${said}, older than ${oldest}; this stack is checked against Dynamo ${supportedReleases()}: use ${oldest} or later`;
}

/** `1.3.x, 1.4.x, 1.5.0 or later (checked against a 1.5.0 development tree)`. */
export function supportedReleases(): string {
  return dynamoReleases()
    .map(({ covers, source }) =>
      covers.below === null
        ? `${covers.from} or later (checked against a ${source.treeVersion} development tree)`
        : covers.from.replace(/\.0$/, ".x"),
    )
    .join(", ");
}

/**
 * The release table the stack's graph is built and checked with. Config validation refuses a version
 * no table stands for, and an image whose version cannot be told (stackConfig.ts).
 */
export function stackRelease(config: { graph: GraphImage }): DynamoRelease {
  const version = dynamoVersion(config.graph);
  const release = version === undefined ? undefined : releaseFor(version);
  if (!release) throw new Error(`no Dynamo release table stands for graph.image ${config.graph.image}`);
  return release;
}

/** The key the graph's Dynamo version was read from. */
function versionKey(graph: GraphImage): "image" | "runtimeVersionOverride" {
  return graph.runtimeVersionOverride !== undefined && isOverrideVersion(graph.runtimeVersionOverride) ? "runtimeVersionOverride" : "image";
}

/**
 * What render and preview say of the release the graph was checked against, when there is something
 * to say; `key` writes a config key as the user sees it.
 */
export function releaseWarnings(config: { graph: GraphImage }, key: (path: string[]) => string): string[] {
  const release = stackRelease(config);
  const { graph } = config;
  const warnings: string[] = [];
  if (!isReleaseTree(release)) {
    warnings.push(
      `${key(["graph", versionKey(graph)])} says Dynamo ${dynamoVersion(graph)}, newer than any release whose source could be read: ` +
        `its flags and CRD are checked against ${releaseName(release)}, version ${release.source.treeVersion} in development. ` +
        "Flags or fields that release changed are not known here; render and compare its manifests with the release notes.",
    );
  }
  if (graph.runtimeVersionOverride !== undefined && !release.dynamoGraphDeployment.serviceFields.includes("runtimeVersionOverride")) {
    warnings.push(
      `${key(["graph", "runtimeVersionOverride"])} ${graph.runtimeVersionOverride} picks Dynamo ${release.release}'s flags and CRD; ` +
        `that release's operator has no such field, and reads no version, so it is not written. An operator of a later ` +
        "release would refuse an image whose tag holds no version: there, use a tagged image.",
    );
  }
  return warnings;
}
