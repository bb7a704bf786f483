import { statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { readRegularFile } from "../../lib/regularFile";
import { describeFileError } from "../../lib/fileErrors";
import { firstIssue } from "../../lib/zodMessages";
import { VARIANTS } from "../../domain/variants";
import { RUN_NAME, RUN_NAME_RULE } from "./runName";

export const RUN_FILE = "run.json";
export const RUN_KIND = "dynamo-bench run";
export const RUN_SCHEMA_VERSION = 1;

/** The hook writes a few hundred bytes; anything far larger is not its run.json. */
const MAX_RUN_FILE_BYTES = 64 * 1024;

const runName = z.string().regex(RUN_NAME, { error: `is not a short name of ${RUN_NAME_RULE}` });

/** What a run was: which stack ran it, as which variant, its run id and Job, and whether it failed. */
const runFields = {
  stack: runName,
  variant: z.enum(VARIANTS),
  runId: runName,
  jobName: z.string(),
  /** Why the run did not succeed, when it did not: its summary is what aiperf recorded until then. */
  failure: z.string().optional(),
};

/** run.json as this version writes it. */
export const runFileSchema = z.strictObject({
  kind: z.literal(RUN_KIND),
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  ...runFields,
  /** When the hook saved it, in UTC: the order of a stack's runs, whatever a copy did to the files' times. */
  savedAt: z.iso.datetime(),
});

/** run.json as dynamo-bench wrote it before its files were versioned: no kind, no version, no savedAt. */
const unversionedRunFile = z.object(runFields);

export type RunRecord = z.infer<typeof unversionedRunFile>;
/** A run as read from its run.json; `savedAt` is missing from an unversioned one. */
export type RunFile = RunRecord & { savedAt?: string };

export function runFileText(run: RunRecord, savedAt: Date): string {
  const file: z.infer<typeof runFileSchema> = { kind: RUN_KIND, schemaVersion: RUN_SCHEMA_VERSION, ...run, savedAt: savedAt.toISOString() };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A run.json's parsed value as a run, of this version or the unversioned one before it, or why it is not one. */
export function parseRunFile(value: unknown): RunFile | { problem: string } {
  const versioned = typeof value === "object" && value !== null && "schemaVersion" in value;
  if (versioned) {
    const version = (value as { schemaVersion: unknown }).schemaVersion;
    if (typeof version === "number" && version > RUN_SCHEMA_VERSION) {
      return { problem: `has schemaVersion ${version}, newer than the ${RUN_SCHEMA_VERSION} this dynamo-bench reads: update dynamo-bench` };
    }
    const parsed = runFileSchema.safeParse(value);
    if (!parsed.success) return { problem: `is not a run record (${firstIssue(parsed.error)})` };
    return parsed.data;
  }
  const parsed = unversionedRunFile.safeParse(value);
  return parsed.success ? parsed.data : { problem: `is not a run record (${firstIssue(parsed.error)})` };
}

/** A run.json's text as a run; throws an Error saying why it is not one. JSON's message, which quotes the text, is left out. */
export function parseRunFileText(text: string): RunFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("is not JSON");
  }
  const run = parseRunFile(value);
  if ("problem" in run) throw new Error(run.problem);
  return run;
}

/**
 * The run in `dir`'s run.json: undefined when there is none, or why it cannot be read. Nothing it
 * reads can hang it or fill the terminal: a pipe or a device is refused, and so is a file far larger
 * than a run.json, and JSON's own message, which quotes the text, is never shown.
 */
export function readRunFile(dir: string): RunFile | { problem: string } | undefined {
  const path = join(dir, RUN_FILE);
  let size: number | undefined;
  try {
    size = statSync(path, { throwIfNoEntry: false })?.size;
  } catch (error) {
    return { problem: `${path} cannot be read (${describeFileError(error)})` };
  }
  if (size === undefined) return undefined;
  if (size > MAX_RUN_FILE_BYTES) return { problem: `${path} is ${size} bytes, too large for a run record` };
  let text: string;
  try {
    text = readRegularFile(path);
  } catch (error) {
    return { problem: `${path} cannot be read (${(error as Error).message})` };
  }
  try {
    return parseRunFileText(text);
  } catch (error) {
    return { problem: `${path} ${(error as Error).message}` };
  }
}
