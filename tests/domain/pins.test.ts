import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { PINS, MOONCAKE_CONVERSATION_TRACE, PULUMI_MIN_VERSION } from "../../domain/pins";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import type { StackConfig } from "../../stack/config/schema";
import { docPage } from "../support/docs";

const { mockerImage, ...GPU_PINS } = PINS;

/** Where each pin lands in a GPU stack's config; a mock stack's graph.image is the mocker's image instead. */
function pinsOf(config: StackConfig): Record<keyof typeof GPU_PINS, string> {
  return {
    dynamoImage: config.graph.image,
    model: config.model.name,
    modelRevision: config.model.revision,
    modelDownloadImage: config.modelDownload.image,
    huggingfaceHub: config.modelDownload.huggingfaceHubVersion,
    benchmarkImage: config.benchmark.image,
    aiperf: config.benchmark.aiperfVersion,
    summaryImage: config.benchmark.summaryImage,
    mooncakeCommit: /\/Mooncake\/([0-9a-f]{40})\//.exec(config.benchmark.traceUrl)?.[1] ?? config.benchmark.traceUrl,
    traceSha256: config.benchmark.traceSha256,
  };
}

for (const variant of ["agg", "disagg"] as const) {
  test(`${variant}: the schema's defaults and Pulumi.${variant}.yaml use every pin of domain/pins.ts`, () => {
    assert.deepEqual(pinsOf(parseStackConfig({ variant }, "defaults")), GPU_PINS);
    assert.deepEqual(pinsOf(stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${variant}.yaml`))), GPU_PINS);
    assert.equal(parseStackConfig({ variant }, "defaults").benchmark.traceUrl, MOONCAKE_CONVERSATION_TRACE);
  });

  test(`mock-${variant}: Pulumi.mock-${variant}.yaml runs the mocker's image, and every other pin`, () => {
    const config = stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.mock-${variant}.yaml`));
    assert.deepEqual(pinsOf(config), { ...GPU_PINS, dynamoImage: mockerImage });
  });
}

test("the documented table of pinned versions (docs/configuration.md) is domain/pins.ts", () => {
  const page = docPage("configuration.md");
  const section = page.slice(page.indexOf("## Pinned versions"), page.indexOf("## Names and values Kubernetes accepts"));
  const rows = Object.fromEntries([...section.matchAll(/^\| `(\w+)` \| `([^`]+)` \|/gm)].map(([, key, value]) => [key, value]));
  assert.deepEqual(rows, PINS);
});

test("Pulumi.yaml requires the first CLI that runs the stack's error hooks, and the README says the same", () => {
  const project = yaml.load(readFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion?: string };
  assert.equal(project.requiredPulumiVersion, `>=${PULUMI_MIN_VERSION}`);
  assert.match(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8"), /Pulumi CLI\]\([^)]*\)\n {2}3\.217\.1 or later/);
});
