import { join } from "node:path";
import { readStackFile } from "../../stack/config/stackFile";
import { readStackConfig } from "../../stack/config/stackConfig";
import { PROJECT } from "../../stack/config/schema";
import type { StackConfig } from "../../stack/config/schema";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { buildStackObjects, type StackObjects } from "../../stack/builders/stackObjects";
import { dynamoReleases, type DynamoRelease } from "../../stack/schemas/dynamoReleases";
import { SCRIPTS } from "./clusterScripts";

export const STACKS = ["agg", "disagg", "mock-agg", "mock-disagg"] as const;
export type StackName = (typeof STACKS)[number];
export const API_VERSIONS = ["v1alpha1", "v1beta1"] as const;

/** A committed stack file's config, with `graph` keys set over it as `pulumi config set --path` would. */
export function stackConfigWith(stack: StackName, graph: Record<string, unknown>): StackConfig {
  const path = join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
  const file = readStackFile(path);
  const key = `${PROJECT}:graph`;
  const current = file.entries.find((entry) => entry.key === key);
  const merged = { ...(current?.text ? (JSON.parse(current.text) as object) : {}), ...graph };
  const entries = [...file.entries.filter((entry) => entry.key !== key), { key, text: JSON.stringify(merged), secret: false }];
  return readStackConfig({ description: path, stack: file.stack, entries });
}

/** An image of the release for the stack: the vLLM runtime, or the CPU-only planner image the mock stacks run. */
export function releaseImage(stack: StackName, release: DynamoRelease): string {
  const version = release.covers.from;
  return stack.startsWith("mock-")
    ? `nvcr.io/nvidia/ai-dynamo/dynamo-planner:${version}`
    : `nvcr.io/nvidia/ai-dynamo/vllm-runtime:${version}`;
}

export interface MatrixCase {
  stack: StackName;
  apiVersion: (typeof API_VERSIONS)[number];
  release: DynamoRelease;
  config: StackConfig;
  objects: StackObjects;
  label: string;
}

/** Every stack, in both API versions, on an image of every release that has a table. */
export function releaseMatrix(): MatrixCase[] {
  return STACKS.flatMap((stack) =>
    API_VERSIONS.flatMap((apiVersion) =>
      dynamoReleases().map((release) => {
        const config = stackConfigWith(stack, { image: releaseImage(stack, release), apiVersion });
        const objects = buildStackObjects(config, { stack, runId: "0a1b2c3d" }, SCRIPTS);
        return { stack, apiVersion, release, config, objects, label: `${stack} ${apiVersion} on Dynamo ${release.release}` };
      }),
    ),
  );
}
