import { entryAt, readRegularFile } from "../../lib/regularFile";
import { join } from "node:path";
import { forEachValidLine } from "../../lib/jsonLines";
import * as z from "zod/mini";
import { UserError } from "../../lib/userError";
import { firstIssue } from "../../lib/zodMessages";
import { STAT_KEYS, type StatKey } from "./metricChecks";

/** The files aiperf writes into its --artifact-dir. */
export const AGGREGATE_FILE = "profile_export_aiperf.json";
export const RECORDS_FILE = "profile_export.jsonl";

// aiperf writes a NaN or Inf as null, keeping the key (src/aiperf/common/finite.py `scrub_non_finite`).
const metricValue = z.object({ value: z.union([z.number(), z.array(z.number()), z.null()]), unit: z.string() });
const nullishNumber = z.nullish(z.number());

// Compiled (the same issues, faster): a run has a line per request, 120k for ten times the trace.
/** One line of profile_export.jsonl: the fields a summary needs, whatever else aiperf adds. */
export const requestRecord = z.compile(
  z.object({
    metadata: z.object({
      /** A fresh uuid4 per request (aiperf's workers/worker.py), so a second record with it is a duplicate. */
      x_request_id: z.optional(z.string()),
      request_start_ns: z.number(),
      request_end_ns: nullishNumber,
      benchmark_phase: z.optional(z.string()),
    }),
    metrics: z.nullish(z.record(z.string(), metricValue)),
    error: z.nullish(z.object({ code: nullishNumber, type: z.nullish(z.string()), message: z.nullish(z.string()) })),
  }),
  { strict: true },
);
export type RequestRecord = z.infer<typeof requestRecord>;

const aggregateStatistics = Object.fromEntries(STAT_KEYS.map((key) => [key, nullishNumber])) as Record<StatKey, typeof nullishNumber>;
const aggregateMetric = z.object({ unit: z.string(), ...aggregateStatistics });
export type AggregateMetric = z.infer<typeof aggregateMetric>;

/**
 * The field of an aggregate that says its run was generated, not measured: aiperf writes no such
 * field, and scripts/generate-sample-runs.ts writes it into the sample runs it makes up.
 */
export const SYNTHETIC_FIELD = "dynamo_bench_sample";

/** profile_export_aiperf.json: every metric tag at the top level, beside run information. */
const aggregateFile = z.looseObject({ aiperf_version: z.optional(z.string()), [SYNTHETIC_FIELD]: z.optional(z.string()) });

/** A synthetic run's mark is printed, in every output that shows the run: the most of it that fits a line. */
export const MAX_SYNTHETIC_CHARS = 300;

/** A mark made printable: control and format characters (a terminal's escapes) become "?". */
function syntheticMark(text: string): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}]/gu, "?").trim();
  if (clean === "") return `its aggregate's ${SYNTHETIC_FIELD} field says so`;
  return clean.length > MAX_SYNTHETIC_CHARS ? `${clean.slice(0, MAX_SYNTHETIC_CHARS - 1)}…` : clean;
}

export interface Aggregate {
  metric(tag: string): AggregateMetric | undefined;
  /** Why the run is not a measurement, when its aggregate says it was generated. */
  synthetic?: string;
}

export class AiperfFileError extends UserError {}

/** aiperf's aggregate is tens of KB: a few hundred metric blocks and the run's configuration. */
export const MAX_AGGREGATE_BYTES = 16 * 2 ** 20;

/** What is at one of aiperf's files in `dir`, or an error naming it when that cannot be told. */
export function aiperfFileAt(dir: string, name: string): "nothing" | "file" | "other" {
  const path = join(dir, name);
  try {
    return entryAt(path);
  } catch (error) {
    throw new AiperfFileError(`${path}: ${(error as Error).message}`);
  }
}

export function readAggregate(dir: string): Aggregate | undefined {
  const path = join(dir, AGGREGATE_FILE);
  if (aiperfFileAt(dir, AGGREGATE_FILE) === "nothing") return undefined;
  let text: string;
  try {
    text = readRegularFile(path, { maxBytes: MAX_AGGREGATE_BYTES, what: "an aggregate" });
  } catch (error) {
    throw new AiperfFileError(`${path}: cannot read it (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AiperfFileError(`${path} is not aiperf's aggregate JSON: ${(error as Error).message}`);
  }
  const file = aggregateFile.safeParse(json);
  if (!file.success) throw new AiperfFileError(`${path} is not aiperf's aggregate JSON: ${firstIssue(file.error)}`);
  const parsed: Record<string, unknown> = file.data;
  const marked = file.data[SYNTHETIC_FIELD];
  return {
    ...(marked !== undefined ? { synthetic: syntheticMark(marked) } : {}),
    metric(tag) {
      const entry = aggregateMetric.safeParse(parsed[tag]);
      return entry.success ? entry.data : undefined;
    },
  };
}

export interface RecordsRead {
  /** Valid lines, in file order. */
  records: number;
  /** Truncated or invalid lines, skipped. */
  skippedLines: number[];
}

/** Streams profile_export.jsonl, so memory does not grow with the file. */
export async function forEachRecord(dir: string, visit: (record: RequestRecord) => void): Promise<RecordsRead | undefined> {
  const path = join(dir, RECORDS_FILE);
  const entry = aiperfFileAt(dir, RECORDS_FILE);
  if (entry === "nothing") return undefined;
  if (entry !== "file") throw new AiperfFileError(`${path}: cannot read it (it is not a regular file)`);
  const read: RecordsRead = { records: 0, skippedLines: [] };
  read.records = await forEachValidLine(path, requestRecord, visit, (_line, lineNumber) => read.skippedLines.push(lineNumber), {
    dropValueArrays: true,
  });
  return read;
}
