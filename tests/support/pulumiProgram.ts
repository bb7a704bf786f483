import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import yaml from "js-yaml";
// The SDK does not re-export MockMonitor; wrapping it is the one way to see the resource options a test must check.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { PROJECT_ROOT } from "../../cli/stackFiles";

/** One resource as the engine would receive it: what `pulumi up` would register. */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  parentUrn: string;
  /** URNs of the resources it waits for (dependsOn). */
  dependencies: string[];
  /** The provider reference, `<provider urn>::<id>`, for custom resources. */
  provider: string;
  retainOnDelete: boolean | undefined;
  deleteBeforeReplace: boolean;
  /** Inputs as the engine sees them; secrets stay wrapped in Pulumi's secret envelope. */
  inputs: Record<string, any>;
  /** Names of the resource hooks bound to run after the resource is created. */
  afterCreateHooks: string[];
}

export interface RegisteredHook {
  name: string;
  ignoreErrors: boolean;
  onDryRun: boolean;
}

export interface ProgramRun {
  resources: RegisteredResource[];
  hooks: RegisteredHook[];
  outputs: Record<string, unknown>;
  /** What the program threw while loading, as `pulumi preview` would report it. */
  error?: Error;
  /** Messages the program logged with pulumi.log.warn. */
  warnings: string[];
}

/** Pulumi's wire envelope for a secret value: `{ [SECRET_ENVELOPE_KEY]: SECRET_SIGNATURE, value }`. */
export const SECRET_ENVELOPE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** The run id the mocked RandomId draws. */
export const MOCK_RUN_ID = "0a1b2c3d";

function urnOf(parentUrn: string, type: string, name: string, stack: string): string {
  const parentType = parentUrn ? `${parentUrn.split("::")[2]}$` : "";
  return `urn:pulumi:${stack}::${pulumi.getProject()}::${parentType}${type}::${name}`;
}

/**
 * Runs index.ts under Pulumi's mocks with the stack's real Pulumi.<stack>.yaml, plus any extra
 * config, and records every resource registration. Import it once per test file: the program
 * runs when its module loads.
 */
export async function runProgram(
  stack: string,
  options: { config?: Record<string, unknown>; secrets?: Record<string, string>; preview?: boolean } = {},
): Promise<ProgramRun> {
  const file = yaml.load(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const config: Record<string, string> = {};
  const entries = { ...file.config, ...options.config, ...options.secrets };
  for (const [key, value] of Object.entries(entries)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
  pulumi.runtime.setAllConfig(config, Object.keys(options.secrets ?? {}));

  const resources: RegisteredResource[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({
      id: `${args.name}-id`,
      state: args.type === "random:index/randomId:RandomId" ? { ...args.inputs, hex: MOCK_RUN_ID } : args.inputs,
    }),
    call: (args) => args.inputs,
  };
  const registerResource = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, callback: (err: any, res: any) => void) {
    resources.push({
      type: req.getType(),
      name: req.getName(),
      urn: urnOf(req.getParent(), req.getType(), req.getName(), stack),
      parentUrn: req.getParent(),
      dependencies: req.getDependenciesList(),
      provider: req.getProvider(),
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      inputs: req.getObject()?.toJavaScript() ?? {},
      afterCreateHooks: req.getHooks()?.getAfterCreateList() ?? [],
    });
    return registerResource.call(this, req, callback);
  };
  // The engine keeps hooks; the mock monitor has no such call, so record them here.
  const hooks: RegisteredHook[] = [];
  (MockMonitor.prototype as any).registerResourceHook = (req: any, callback: (err: any, res: any) => void) => {
    hooks.push({ name: req.getName(), ignoreErrors: req.getIgnoreErrors(), onDryRun: req.getOnDryRun() });
    callback(null, {});
  };
  await pulumi.runtime.setMocks(mocks, "dynamo-bench", stack, options.preview ?? false);

  const warnings: string[] = [];
  pulumi.log.warn = async (message: string) => void warnings.push(message);

  let program: Record<string, pulumi.Input<unknown>>;
  try {
    // The program runs as its module loads, after the mocks are in place.
    program = require("../../index");
  } catch (error) {
    await pulumi.runtime.disconnect();
    return { resources, hooks, outputs: {}, error: error as Error, warnings };
  }
  await pulumi.runtime.disconnect();
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program)) {
    const output: pulumi.Output<unknown> = pulumi.output(value) as pulumi.Output<unknown>;
    outputs[name] = await new Promise((resolve) => output.apply(resolve));
  }
  return { resources, hooks, outputs, warnings };
}
