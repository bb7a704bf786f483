import { readFileSync } from "node:fs";
import { sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
// The SDK does not re-export MockMonitor; wrapping it is the one way to see the resource options a test must check.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { configSet, engineConfig, storedConfigOf, type StoredConfig } from "./pulumiConfigSet";
import { projectSettings } from "./pulumiProject";

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
  /** Names of the error hooks bound to run when an operation on the resource fails. */
  onErrorHooks: string[];
}

export interface RegisteredHook {
  name: string;
  ignoreErrors: boolean;
  onDryRun: boolean;
}

export interface ProgramRun {
  resources: RegisteredResource[];
  hooks: RegisteredHook[];
  errorHooks: string[];
  outputs: Record<string, unknown>;
  /** What the program threw while loading, as `pulumi preview` would report it. */
  error?: Error;
  /** Messages the program logged with pulumi.log.warn. */
  warnings: string[];
}

/** Pulumi's wire envelope for a secret value: `{ [SECRET_ENVELOPE_KEY]: SECRET_SIGNATURE, value }`. */
export const SECRET_ENVELOPE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

const originalRegisterResource = MockMonitor.prototype.registerResource;

/** Drops the project's own modules (not its dependencies') from Node's cache, so that stack/index.ts runs anew. */
function forgetProjectModules(): void {
  for (const path of Object.keys(require.cache)) {
    if (path.startsWith(PROJECT_ROOT) && !path.includes(`${sep}node_modules${sep}`) && !path.includes(`${sep}tests${sep}`))
      delete require.cache[path];
  }
}

/** The run id the mocked RandomId draws. */
export const MOCK_RUN_ID = "0a1b2c3d";

function urnOf(parentUrn: string, type: string, name: string, stack: string): string {
  const parentType = parentUrn ? `${parentUrn.split("::")[2]}$` : "";
  return `urn:pulumi:${stack}::${pulumi.getProject()}::${parentType}${type}::${name}`;
}

export interface ProgramOptions {
  /** The stack file to run with; default: the project's Pulumi.<stack>.yaml. */
  stackFile?: string;
  /** The folder of the project's Pulumi.yaml, whose stack folder and config apply; default: this project. */
  projectRoot?: string;
  /** Keys to set on top of the stack file, as typed values. */
  config?: Record<string, unknown>;
  /** Keys to set as secrets, in plain text here. */
  secrets?: Record<string, string>;
  preview?: boolean;
}

/**
 * Runs stack/index.ts under Pulumi's mocks with a stack file, the project's Pulumi.<stack>.yaml unless
 * told otherwise, handed over with Pulumi.yaml's config as the engine hands config to a program, and
 * records every resource registration. It may run several times in one test file: each run loads the
 * program afresh.
 */
export async function runProgram(stack: string, options: ProgramOptions = {}): Promise<ProgramRun> {
  const project = projectSettings(options.projectRoot ?? PROJECT_ROOT);
  let stored = storedConfigOf(readFileSync(options.stackFile ?? project.stackFile(stack), "utf8"));
  stored = { ...stored, ...(options.config as StoredConfig | undefined) };
  for (const [key, value] of Object.entries(options.secrets ?? {})) stored = configSet(stored, { key, value, secret: true, path: false });
  const { config, secretKeys } = engineConfig(project.apply(stored));
  pulumi.runtime.setAllConfig(config, secretKeys);

  const resources: RegisteredResource[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({
      id: `${args.name}-id`,
      state: args.type === "random:index/randomId:RandomId" ? { ...args.inputs, hex: MOCK_RUN_ID } : args.inputs,
    }),
    call: (args) => args.inputs,
  };
  const registerResource = originalRegisterResource;
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
      onErrorHooks: req.getHooks()?.getOnErrorList() ?? [],
    });
    return registerResource.call(this, req, callback);
  };
  // The engine keeps hooks; the mock monitor has no such call, so record them here.
  const hooks: RegisteredHook[] = [];
  (MockMonitor.prototype as any).registerResourceHook = (req: any, callback: (err: any, res: any) => void) => {
    hooks.push({ name: req.getName(), ignoreErrors: req.getIgnoreErrors(), onDryRun: req.getOnDryRun() });
    callback(null, {});
  };
  const errorHooks: string[] = [];
  (MockMonitor.prototype as any).registerErrorHook = (req: any, callback: (err: any, res: any) => void) => {
    errorHooks.push(req.getName());
    callback(null, {});
  };
  await pulumi.runtime.setMocks(mocks, "dynamo-bench", stack, options.preview ?? false);

  const warnings: string[] = [];
  pulumi.log.warn = async (message: string) => void warnings.push(message);

  let program: Record<string, pulumi.Input<unknown>>;
  try {
    // The program runs as its module loads, after the mocks are in place; a fresh load runs it again.
    forgetProjectModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh require() runs the program again; import() would be cached
    program = require("../../stack/index");
  } catch (error) {
    await pulumi.runtime.disconnect();
    return { resources, hooks, errorHooks, outputs: {}, error: error as Error, warnings };
  }
  await pulumi.runtime.disconnect();
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program)) {
    const output: pulumi.Output<unknown> = pulumi.output(value) as pulumi.Output<unknown>;
    outputs[name] = await new Promise((resolve) => output.apply(resolve));
  }
  return { resources, hooks, errorHooks, outputs, warnings };
}
