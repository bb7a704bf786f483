import { createHash } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describeFileError, isFileSystemError } from "./fileErrors";
import { UserError } from "./userError";

export interface DownloadLimits {
  /** The largest body accepted, in bytes; a larger one is an error, never a truncated file. */
  maxBytes: number;
  /** The longest silence accepted: while connecting, waiting for the answer, or between two chunks of the body. */
  idleTimeoutMs: number;
  /** The longest the whole download may take, redirects included: a server that drips bytes cannot hold it forever. */
  totalTimeoutMs: number;
  /** How many redirects are followed before giving up. */
  maxRedirects: number;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  /** Where the body came from, after redirects. */
  finalUrl: string;
}

/** Why a download failed, in one line, without the URL: the caller names what it was downloading. */
export class DownloadError extends UserError {}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`;
}

/** A network error in words; other errors give their message. */
function networkProblem(error: unknown, url: URL): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED") return `cannot connect to ${url.host}: connection refused`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve the host name ${url.hostname}`;
  if (code === "ECONNRESET" || code === "ECONNABORTED" || code === "ERR_STREAM_PREMATURE_CLOSE")
    return `the connection to ${url.host} was closed before the whole trace arrived`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `cannot reach ${url.host} (${code})`;
  return (error as Error).message || String(error);
}

/** One GET: resolves with the response once its status and headers arrive. */
function get(url: URL, limits: DownloadLimits, signal: AbortSignal, onIdle: () => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    // Identity encoding: the bytes hashed are the bytes of the file, as the pinned sha256 was taken.
    const request = client.get(url, {
      headers: { "accept-encoding": "identity", "user-agent": "dynamo-bench" },
      timeout: limits.idleTimeoutMs,
      signal,
    });
    // The socket's timeout covers the connection, the wait for the answer and every pause in the body.
    request.on("timeout", () => {
      onIdle();
      request.destroy();
    });
    request.on("response", resolve);
    request.on("error", reject);
  });
}

/**
 * Streams the body of `url` into `sink`, hashing and counting it on the way, following a few
 * redirects, within `limits`. Every failure is a DownloadError whose message says why in one line;
 * `sink` may then hold part of the body, which the caller discards.
 */
export async function download(url: string, sink: Writable, limits: DownloadLimits): Promise<Downloaded> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.totalTimeoutMs);
  let current = new URL(url);
  let idle = false;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(current, limits, deadline.signal, () => (idle = true));
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        response.destroy();
        const location = response.headers.location;
        if (!location) throw new DownloadError(`${current.href} answered ${status} (a redirect) with no Location header`);
        if (redirects >= limits.maxRedirects)
          throw new DownloadError(`more than ${limits.maxRedirects} redirects, the last to ${location}`);
        const next = new URL(location, current);
        if (next.protocol !== "http:" && next.protocol !== "https:")
          throw new DownloadError(`redirected to ${next.href}, which is not an http(s) URL`);
        current = next;
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new DownloadError(`${current.href} answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}`);
      }
      const declared = Number(response.headers["content-length"]);
      if (declared > limits.maxBytes) {
        response.destroy();
        throw new DownloadError(`the body is ${formatBytes(declared)}, more than the ${formatBytes(limits.maxBytes)} a trace may be`);
      }
      const hash = createHash("sha256");
      let bytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > limits.maxBytes) {
            done(new DownloadError(`the body is more than the ${formatBytes(limits.maxBytes)} a trace may be`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(response, meter, sink);
      return { bytes, sha256: hash.digest("hex"), finalUrl: current.href };
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    if (idle) throw new DownloadError(`${current.host} sent nothing for ${formatSeconds(limits.idleTimeoutMs)}`);
    if (deadline.signal.aborted) throw new DownloadError(`it took more than ${formatSeconds(limits.totalTimeoutMs)}`);
    if (isFileSystemError(error)) throw new DownloadError(`cannot write ${error.path} (${describeFileError(error)})`);
    throw new DownloadError(networkProblem(error, current));
  } finally {
    clearTimeout(timer);
  }
}
