import { createHash } from "node:crypto";
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../lib/userError";
import { fileSha256 } from "../../lib/fileSha256";
import { readRegularFile } from "../../lib/regularFile";
import { parseGoodput } from "../../domain/slos";
import { addToRun, RUN_FILE, type RunRecord } from "../../analysis/runs/runDirectory";
import { runFileText } from "../../analysis/runs/runFile";
import { isRunName } from "../../analysis/runs/runName";
import { SUMMARY_JSON, SUMMARY_MARKDOWN, summaryFiles } from "../../analysis/summary/summaryFiles";
import { MAX_SUMMARY_JSON_BYTES, parseSummaryJson } from "../../analysis/summary/summarySchema";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { benchmarkJobName } from "../../stack/config/names";
import type { StackConfig } from "../../stack/config/schema";
import type { ResultsReader } from "./readerPod";
import {
  newestRun,
  outcomeText,
  PARTIAL_SUFFIX,
  pvcRunsAnswer,
  runDate,
  runListingAnswer,
  runOutcome,
  type ListedFile,
  type PvcRun,
  type RunOutcome,
} from "./pvcRuns";

/** Marks a run directory that a pull has started and not finished: the next pull of the run resumes it. */
export const PULL_MARKER = ".pull-in-progress";
/** Where the run's files go, inside results/<stack>/<run-id>/, as `calibrate` and `compare` look for them. */
export const ARTIFACTS_DIR = "artifacts";

export interface PullLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  /** The longest silence inside a file's body. */
  idleTimeoutMs: number;
}

export interface PullRequest {
  resultsRoot: string;
  stack: string;
  config: StackConfig;
  /** The run to pull; the newest on the volume when not given. */
  runId?: string;
  /** Pull a run that has recorded no exit code yet. */
  incomplete: boolean;
  limits: PullLimits;
  signal: AbortSignal;
  note: (line: string) => void;
}

export interface PullResult {
  dir: string;
  run: PvcRun;
  copied: number;
  alreadyThere: number;
  bytesCopied: number;
  /** Where summary.json came from. */
  summary: "volume" | "summarized here" | "already saved" | "none";
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Why a run did not succeed, for its run.json; undefined when it did. */
function failureOf(outcome: RunOutcome): string | undefined {
  switch (outcome.state) {
    case "succeeded":
      return undefined;
    case "incomplete":
      return "no aiperf exit code was recorded: the run was still running, or was interrupted, when it was pulled";
    default:
      return outcomeText(outcome);
  }
}

/** "file", "directory", "link", "other", or undefined when nothing is there: never follows a link. */
function entryKind(path: string): "file" | "directory" | "link" | "other" | undefined {
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return "link";
    return stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Makes `dir` unless it is there; what is there must be a directory itself, never a link to one. */
function realDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const kind = entryKind(dir);
    if (kind !== "directory")
      throw new UserError(`${dir} is ${kind === "link" ? "a symbolic link" : "not a directory"}; nothing is written through it`);
  }
}

/**
 * The run's directory, ready for a pull: new, or one a pull started (its marker), or a saved run
 * (run.json), to which only missing files are added. Anything else there is refused.
 */
function prepareRunDirectory(resultsRoot: string, stack: string, runId: string): string {
  for (const name of [stack, runId])
    if (!isRunName(name)) throw new UserError(`${JSON.stringify(name)} cannot name a directory under results/`);
  mkdirSync(resultsRoot, { recursive: true });
  realDirectory(join(resultsRoot, stack));
  const dir = join(resultsRoot, stack, runId);
  const existed = entryKind(dir) !== undefined;
  realDirectory(dir);
  if (existed && entryKind(join(dir, PULL_MARKER)) === undefined && entryKind(join(dir, RUN_FILE)) !== "file") {
    throw new UserError(`${dir} holds files that no pull or \`pulumi up\` saved as a run; move it away, then pull again`);
  }
  if (entryKind(join(dir, PULL_MARKER)) === undefined)
    addToRun(dir, { [PULL_MARKER]: `${JSON.stringify({ runId, startedAt: new Date() })}\n` });
  return dir;
}

/** Streams one listed file into `partial`, checking its size and sha256; throws a UserError saying what went wrong. */
async function download(reader: ResultsReader, runId: string, file: ListedFile, partial: string, request: PullRequest): Promise<void> {
  const { limits, signal } = request;
  if (entryKind(partial) !== undefined) unlinkSync(partial);
  // O_EXCL: never through a link put in its place.
  const fd = openSync(partial, "wx", 0o644);
  let received = 0;
  // One controller per file: the command's signal and this file's silence both end its connection.
  const fileController = new AbortController();
  const stopFile = () => fileController.abort();
  signal.addEventListener("abort", stopFile, { once: true });
  let stalled: UserError | undefined;
  let idle: NodeJS.Timeout | undefined;
  // node-fetch 2 pipes a body with a Content-Length into its stream without its errors (lib/index.js,
  // res.pipe), so a connection dropped mid-file looks like silence: this timer ends both.
  const restartIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      const what = `${file.path}: nothing came for ${limits.idleTimeoutMs / 1000} s after ${received} of ${file.size} bytes`;
      stalled = new UserError(`${what}; pull again to resume`);
      fileController.abort();
    }, limits.idleTimeoutMs);
  };
  try {
    restartIdle();
    const encoded = file.path.split("/").map(encodeURIComponent).join("/");
    const response = await reader.open(`runs/${encodeURIComponent(runId)}/files/${encoded}`, fileController.signal);
    const hash = createHash("sha256");
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      restartIdle();
      received += chunk.length;
      if (received > file.size) throw new UserError(`${file.path}: the reader sent more than the ${file.size} bytes it listed`);
      hash.update(chunk);
      writeSync(fd, chunk);
    }
    if (received !== file.size) {
      throw new UserError(`${file.path}: the connection ended after ${received} of ${file.size} bytes; pull again to resume`);
    }
    const sha256 = hash.digest("hex");
    if (sha256 !== file.sha256) {
      unlinkSync(partial);
      throw new UserError(
        `${file.path}: its sha256 is ${sha256}, not the ${file.sha256} listed; it was not kept (was the run still writing it?)`,
      );
    }
  } catch (error) {
    if (stalled) throw stalled;
    if (error instanceof UserError || signal.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || (error as Error).name === "FetchError") {
      throw new UserError(`${file.path}: the connection ended after ${received} of ${file.size} bytes; pull again to resume`);
    }
    throw error;
  } finally {
    clearTimeout(idle);
    signal.removeEventListener("abort", stopFile);
    fileController.abort();
    closeSync(fd);
  }
}

/** The run's summary files: the Job's, from the volume, when they are sound; otherwise summarized here from the artifacts. */
async function summaryOf(dir: string, artifacts: string, config: StackConfig, note: (line: string) => void) {
  try {
    const json = readRegularFile(join(artifacts, SUMMARY_JSON), { maxBytes: MAX_SUMMARY_JSON_BYTES, what: "a summary" });
    const markdown = readRegularFile(join(artifacts, SUMMARY_MARKDOWN), { maxBytes: MAX_SUMMARY_JSON_BYTES, what: "a summary" });
    const parsed = parseSummaryJson(json);
    if ("summary" in parsed && markdown.trim() !== "")
      return { files: { [SUMMARY_JSON]: json, [SUMMARY_MARKDOWN]: markdown }, from: "volume" as const };
    if ("problem" in parsed) note(`note: the run's ${SUMMARY_JSON} is ${parsed.problem}; summarizing its artifacts here instead`);
  } catch {
    note(`note: the run left no readable ${SUMMARY_JSON} and ${SUMMARY_MARKDOWN}; summarizing its artifacts here instead`);
  }
  try {
    const { summary, provenance } = await summarizeRun(artifacts, parseGoodput(config.benchmark.goodput));
    return { files: summaryFiles(dir, summary, provenance), from: "summarized here" as const };
  } catch (error) {
    note(`note: no summary could be made from its artifacts (${(error as Error).message})`);
    return undefined;
  }
}

/**
 * Copies a run from the perf-cache volume into results/<stack>/<run-id>/: its files into artifacts/,
 * its summary beside them, and run.json last. A file already there with the listed size and sha256
 * is kept; one that differs is never written over. Every bound is checked before anything is written.
 */
export async function pullRun(reader: ResultsReader, request: PullRequest): Promise<PullResult> {
  const { stack, config, limits, note } = request;
  const { runs } = await reader.json("runs", pvcRunsAnswer, "the reader pod's list of runs");
  const run = request.runId === undefined ? newestRun(runs) : runs.find((candidate) => candidate.runId === request.runId);
  if (!run) {
    const known = [...runs].sort((a, b) => b.modifiedAt - a.modifiedAt).map((candidate) => candidate.runId);
    const there =
      known.length === 0 ? "it holds none" : `its runs there: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}`;
    throw new UserError(
      request.runId === undefined
        ? `the perf-cache volume holds no run of stack ${stack}`
        : `--run ${request.runId}: no such run of stack ${stack} on the perf-cache volume; ${there}`,
    );
  }
  const outcome = runOutcome(run);
  const which = request.runId === undefined ? `the newest of ${runs.length}` : "as asked";
  note(`Run ${run.runId} of stack ${stack} (${which}), last written ${runDate(run.modifiedAt * 1000)}: ${outcomeText(outcome)}`);
  if (outcome.state === "incomplete" && !request.incomplete) {
    throw new UserError(
      `run ${run.runId} has recorded no exit code yet: it is still running, or was interrupted. Its files may still be growing; ` +
        "pull it once it ends, or add --incomplete to copy what is there now, saved as a run that did not succeed",
    );
  }

  const listing = await reader.json(
    `runs/${encodeURIComponent(run.runId)}/listing`,
    runListingAnswer,
    `the reader pod's listing of run ${run.runId}`,
  );
  if (listing.runId !== run.runId) throw new UserError(`the reader pod listed run ${listing.runId}, not ${run.runId}`);
  const files = listing.files.filter((file): file is ListedFile => file.type === "file");
  for (const other of listing.files.filter((file) => file.type !== "file")) {
    note(`note: not copied: ${JSON.stringify(other.path)}, ${other.type === "symlink" ? "a symbolic link" : "not a regular file"}`);
  }
  for (const file of files) {
    if (file.size > limits.maxFileBytes) {
      throw new UserError(
        `${file.path} is ${formatBytes(file.size)}, over --max-file-size ${formatBytes(limits.maxFileBytes)}; nothing was copied`,
      );
    }
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > limits.maxTotalBytes) {
    throw new UserError(
      `run ${run.runId} is ${formatBytes(total)}, over --max-total-size ${formatBytes(limits.maxTotalBytes)}; nothing was copied`,
    );
  }

  const dir = prepareRunDirectory(request.resultsRoot, stack, run.runId);
  const artifacts = join(dir, ARTIFACTS_DIR);
  realDirectory(artifacts);
  let copied = 0;
  let alreadyThere = 0;
  let bytesCopied = 0;
  for (const file of files) {
    const segments = file.path.split("/");
    let parent = artifacts;
    for (const segment of segments.slice(0, -1)) realDirectory((parent = join(parent, segment)));
    const target = join(parent, segments[segments.length - 1]);
    const kind = entryKind(target);
    if (kind === "file" && lstatSync(target).size === file.size && (await fileSha256(target)) === file.sha256) {
      alreadyThere++;
      continue;
    }
    if (kind !== undefined) {
      throw new UserError(
        `${target} is already there and is not the run's ${file.path}; it is never written over: move it away, then pull again`,
      );
    }
    const partial = `${target}${PARTIAL_SUFFIX}`;
    await download(reader, run.runId, file, partial, request);
    // A link, unlike a rename, fails when the name was taken meanwhile: nothing is written over.
    linkSync(partial, target);
    unlinkSync(partial);
    copied++;
    bytesCopied += file.size;
  }

  let summary: PullResult["summary"] = "already saved";
  if (entryKind(join(dir, SUMMARY_JSON)) === undefined) {
    const made = await summaryOf(dir, artifacts, config, note);
    summary = made?.from ?? "none";
    if (made) addToRun(dir, Object.fromEntries(Object.entries(made.files).filter(([name]) => entryKind(join(dir, name)) === undefined)));
  }
  if (summary !== "none" && entryKind(join(dir, RUN_FILE)) === undefined) {
    const failure = failureOf(outcome);
    const record: RunRecord = {
      stack,
      variant: config.variant,
      runId: run.runId,
      jobName: benchmarkJobName(config, run.runId),
      ...(failure !== undefined && { failure }),
    };
    addToRun(dir, { [RUN_FILE]: runFileText(record, new Date()) });
  }
  if (summary !== "none") rmSync(join(dir, PULL_MARKER), { force: true });
  return { dir, run, copied, alreadyThere, bytesCopied, summary };
}
