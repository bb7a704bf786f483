import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { pulumiConfigEntries } from "../../stack/config/pulumiConfig";
import { ConfigError, readStackConfig } from "../../stack/config/stackConfig";
import type { StackConfig } from "../../stack/config/schema";
import { engineConfig, writeStackFile, type StoredConfig } from "./pulumiConfigSet";

/** What one path made of a stack's config: the config, or the problems it named. */
export type Reading = { config: StackConfig } | { problems: string[] };

function reading(read: () => StackConfig): Reading {
  try {
    return { config: read() };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}

/** A scratch directory for stack files, removed by `cleanup`. */
export function stackFileDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "dynamo-bench-stackfiles-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Reads a stored config the two ways a stack file is read: as `render` reads the file the CLI
 * wrote, and as `pulumi up` gets it from the engine (through the SDK's own config store).
 */
export function readBothWays(dir: string, stack: string, stored: StoredConfig): { render: Reading; pulumi: Reading } {
  const render = reading(() => stackConfigFromFile(writeStackFile(dir, stack, stored)));
  const { config, secretKeys } = engineConfig(stored);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const up = reading(() => readStackConfig({ description: `Pulumi.${stack}.yaml`, stack, entries: pulumiConfigEntries() }));
  return { render, pulumi: up };
}
