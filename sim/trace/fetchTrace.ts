import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Writable } from "node:stream";
import { describeFileError } from "../../lib/fileErrors";
import { makeDirectories } from "../../lib/makeDirectories";
import { UserError } from "../../lib/userError";
import { fileSha256 } from "../../lib/fileSha256";
import { download, DownloadError, type DownloadLimits } from "../../lib/httpDownload";

/** Where the benchmark Job takes its trace from, and the digest it must have. */
export interface TraceSource {
  url: string;
  sha256: string;
}

/**
 * The real trace is 33 MB: 1 GiB leaves room for a longer one and still stops a server that sends
 * without end. 30 s of silence or 30 minutes in all (18 KB/s for the real trace) end a download.
 */
export const TRACE_DOWNLOAD_LIMITS: DownloadLimits = {
  maxBytes: 1024 ** 3,
  idleTimeoutMs: 30_000,
  totalTimeoutMs: 30 * 60_000,
  maxRedirects: 5,
};

export interface FetchOptions {
  limits?: DownloadLimits;
  /** Status lines, for stderr. */
  log?: (line: string) => void;
}

export type FetchOutcome = "reused" | "downloaded";

function statOf(out: string): Stats | undefined {
  try {
    return statSync(out, { throwIfNoEntry: false });
  } catch (error) {
    throw new UserError(`--out ${out}: cannot look at it (${describeFileError(error)})`);
  }
}

/** A sink that writes to an open file descriptor, synchronously, so the file is closed the moment the download ends. */
function fdSink(fd: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        for (let offset = 0; offset < chunk.length;) offset += writeSync(fd, chunk, offset);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/**
 * Makes `out` hold the trace `source` names, verified against its sha256, as the benchmark Job
 * does on perf-cache: a verified file already there is reused; otherwise the trace is downloaded
 * beside it and renamed into place only once its digest matches, so `out` never holds a partial or
 * wrong trace, and a file already there is replaced only by a verified one.
 */
export async function fetchTrace(source: TraceSource, out: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (out === "") throw new UserError("--out: give a file path");
  const existing = statOf(out);
  if (existing?.isDirectory()) throw new UserError(`--out ${out}: is a directory; give a file path`);
  // A pipe or a device would be read until it ends, which may be never.
  if (existing && !existing.isFile()) throw new UserError(`--out ${out}: is not a regular file (a pipe or a device?); give a file path`);
  if (existing) {
    let digest: string;
    try {
      digest = await fileSha256(out);
    } catch (error) {
      throw new UserError(`--out ${out}: cannot read it (${describeFileError(error)})`);
    }
    if (digest === source.sha256) {
      log(`reusing the verified trace at ${out} (sha256 ${digest})`);
      return "reused";
    }
    log(
      `${out} has sha256 ${digest}, not ${source.sha256}: downloading the trace again; ` +
        "the file is replaced only once the new copy is verified",
    );
  }

  const folder = dirname(out);
  try {
    makeDirectories(folder);
  } catch (error) {
    throw new UserError(`--out ${out}: cannot make the folder ${folder} (${describeFileError(error)})`);
  }
  // Beside `out`, so that the rename is atomic; visible, so that one left by a killed run is seen.
  const partial = join(folder, `${basename(out)}.${randomBytes(4).toString("hex")}.download`);
  let fd: number;
  try {
    fd = openSync(partial, "wx");
  } catch (error) {
    throw new UserError(`--out ${out}: cannot write in ${folder} (${describeFileError(error)})`);
  }
  let kept = false;
  // Interrupted (Ctrl-C), the partial file goes too, and the signal then ends the process as it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(partial, { force: true });
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    log(`downloading the trace from ${source.url}`);
    let downloaded;
    try {
      downloaded = await download(source.url, fdSink(fd), options.limits ?? TRACE_DOWNLOAD_LIMITS);
    } catch (error) {
      if (error instanceof DownloadError)
        throw new UserError(`cannot download the trace from ${source.url}: ${error.message}${untouched(existing, out)}`);
      throw error;
    }
    if (downloaded.sha256 !== source.sha256) {
      throw new UserError(
        `the trace from ${source.url} has sha256 ${downloaded.sha256}, but benchmark.traceSha256 is ${source.sha256}; ` +
          `it was not kept${untouched(existing, out)}`,
      );
    }
    closeSync(fd);
    fd = -1;
    try {
      renameSync(partial, out);
    } catch (error) {
      throw new UserError(`--out ${out}: cannot put the verified trace there (${describeFileError(error)})`);
    }
    kept = true;
    log(`verified the trace (sha256 ${downloaded.sha256}, ${downloaded.bytes} bytes) and kept it at ${out}`);
    return "downloaded";
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    if (fd >= 0) closeSync(fd);
    if (!kept) rmSync(partial, { force: true });
  }
}

function untouched(existing: Stats | undefined, out: string): string {
  return existing ? `, and ${out} was left as it was` : "";
}
