import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import { buildBenchmarkJob } from "../../stack/builders/benchmarkJob";
import { stackConfigFromFile } from "../../stack/config/stackFile";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { traceSource } from "../../cli/traceFetch";
import { fetchTrace, TRACE_DOWNLOAD_LIMITS } from "../../sim/trace/fetchTrace";
import { UserError } from "../../lib/userError";
import { STACK_TRACE, type CliResult } from "../support/cli";
import { runCli } from "../support/cli";
import { closedPort, stubServer, type StubServer } from "../support/traceServer";
import { conversationTrace } from "../support/traceFixtures";

const TRACE = Buffer.from([...conversationTrace(200)].map((request) => `${JSON.stringify(request)}\n`).join(""));
const TRACE_SHA256 = createHash("sha256").update(TRACE).digest("hex");
const OTHER_SHA256 = createHash("sha256").update("another trace").digest("hex");

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-trace-fetch-"));
let serial = 0;
/** A fresh, empty folder for one test. */
function folder(): string {
  const dir = join(scratch, String(++serial));
  mkdirSync(dir);
  return dir;
}

/** A stack file whose benchmark replays the trace at `url`, pinned to `sha256`. */
function stackFile(url: string, sha256: string): string {
  const path = join(folder(), "Pulumi.fetch.yaml");
  writeFileSync(
    path,
    ["config:", "  dynamo-bench:variant: agg", "  dynamo-bench:benchmark:", `    traceUrl: ${url}`, `    traceSha256: ${sha256}`, ""].join(
      "\n",
    ),
  );
  return path;
}

/** The one `error:` line of a failed run, which must not come with a stack trace. */
function errorLine(result: CliResult): string {
  assert.equal(result.status, 1, result.stderr);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  const errors = result.stderr.split("\n").filter((line) => line.startsWith("error:"));
  assert.equal(errors.length, 1, result.stderr);
  assert.equal(result.stdout, "");
  return errors[0];
}

const held: ServerResponse[] = [];
let server: StubServer;
const url = (path: string) => `${server.origin}${path}`;

before(async () => {
  server = await stubServer({
    "/trace.jsonl": (_request, response) => response.writeHead(200, { "content-length": TRACE.length }).end(TRACE),
    "/chunked.jsonl": (_request, response) => {
      response.writeHead(200);
      for (let offset = 0; offset < TRACE.length; offset += 4096) response.write(TRACE.subarray(offset, offset + 4096));
      response.end();
    },
    "/moved": (_request, response) => response.writeHead(302, { location: "/trace.jsonl" }).end(),
    "/loop": (_request, response) => response.writeHead(301, { location: "/loop" }).end(),
    "/broken": (_request, response) => response.writeHead(500).end("boom"),
    // Accepts the request and never answers.
    "/silent": (_request, response) => void held.push(response),
    // Sends the headers and half the body, then nothing more.
    "/stalls": (_request, response) => {
      response.writeHead(200, { "content-length": TRACE.length });
      response.write(TRACE.subarray(0, TRACE.length / 2));
      held.push(response);
    },
  });
});

after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("trace fetch", () => {
  test("downloads the trace, checks its sha256, keeps it at --out and prints only its path on stdout", async () => {
    const dir = folder();
    const out = join(dir, "trace.jsonl");
    const result = await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), TRACE_SHA256), "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${out}\n`);
    assert.match(result.stderr, new RegExp(`verified the trace \\(sha256 ${TRACE_SHA256}, ${TRACE.length} bytes\\) and kept it at`));
    assert.deepEqual(readFileSync(out), TRACE);
    assert.deepEqual(readdirSync(dir), ["trace.jsonl"], "no partial download is left beside it");
  });

  test("a second run reuses the verified file and sends no request", async () => {
    const out = join(folder(), "trace.jsonl");
    const config = stackFile(url("/trace.jsonl?reuse"), TRACE_SHA256);
    assert.equal((await runCli(["trace", "fetch", "--config-file", config, "--out", out])).status, 0);
    const second = await runCli(["trace", "fetch", "--config-file", config, "--out", out]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /reusing the verified trace at /);
    assert.equal(second.stdout, `${out}\n`);
    assert.equal(server.requests.get("/trace.jsonl?reuse"), 1);
  });

  test("a download whose sha256 differs is refused with both digests and the URL, and nothing is kept", async () => {
    const dir = folder();
    const line = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), OTHER_SHA256), "--out", join(dir, "trace.jsonl")]),
    );
    assert.equal(
      line,
      `error: the trace from ${url("/trace.jsonl")} has sha256 ${TRACE_SHA256}, ` +
        `but benchmark.traceSha256 is ${OTHER_SHA256}; it was not kept`,
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  test("a file with another digest at --out is said so, and replaced only by a verified download", async () => {
    const out = join(folder(), "trace.jsonl");
    writeFileSync(out, "an older trace\n");
    const failed = errorLine(await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), OTHER_SHA256), "--out", out]));
    assert.match(failed, new RegExp(`, and ${out} was left as it was$`));
    assert.equal(readFileSync(out, "utf8"), "an older trace\n");

    const replaced = await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), TRACE_SHA256), "--out", out]);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.match(replaced.stderr, new RegExp(`${out} has sha256 [0-9a-f]{64}, not ${TRACE_SHA256}: downloading the trace again`));
    assert.deepEqual(readFileSync(out), TRACE);
  });

  test("an HTTP error is one error line naming the status, and the file at --out is left as it was", async () => {
    const out = join(folder(), "trace.jsonl");
    writeFileSync(out, "kept\n");
    const notFound = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(url("/missing.jsonl"), TRACE_SHA256), "--out", out]),
    );
    assert.equal(
      notFound,
      `error: cannot download the trace from ${url("/missing.jsonl")}: ` +
        `${url("/missing.jsonl")} answered 404 Not Found, and ${out} was left as it was`,
    );
    const serverError = errorLine(await runCli(["trace", "fetch", "--config-file", stackFile(url("/broken"), TRACE_SHA256), "--out", out]));
    assert.match(serverError, / answered 500 Internal Server Error,/);
    assert.equal(readFileSync(out, "utf8"), "kept\n");
    assert.deepEqual(readdirSync(join(out, "..")), ["trace.jsonl"]);
  });

  test("follows a redirect to the trace, but not a redirect loop", async () => {
    const out = join(folder(), "trace.jsonl");
    const moved = await runCli(["trace", "fetch", "--config-file", stackFile(url("/moved"), TRACE_SHA256), "--out", out]);
    assert.equal(moved.status, 0, moved.stderr);
    assert.deepEqual(readFileSync(out), TRACE);

    const loop = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(url("/loop"), TRACE_SHA256), "--out", join(folder(), "trace.jsonl")]),
    );
    assert.match(loop, new RegExp(`: more than ${TRACE_DOWNLOAD_LIMITS.maxRedirects} redirects, the last to /loop$`));
  });

  test("a refused connection is one error line", async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/trace.jsonl`;
    const line = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(dead, TRACE_SHA256), "--out", join(folder(), "trace.jsonl")]),
    );
    assert.match(line, /: cannot connect to 127\.0\.0\.1:\d+: connection refused$/);
  });

  test("--out naming a directory is refused before any request", async () => {
    const dir = folder();
    const line = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl?dir"), TRACE_SHA256), "--out", dir]),
    );
    assert.equal(line, `error: --out ${dir}: is a directory; give a file path`);
    assert.equal(server.requests.get("/trace.jsonl?dir"), undefined);
  });

  test(
    "--out naming a FIFO is refused without reading from it",
    { skip: spawnSync("mkfifo", ["--version"]).error !== undefined },
    async () => {
      const fifo = join(folder(), "trace.jsonl");
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      const line = errorLine(
        await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), TRACE_SHA256), "--out", fifo]),
      );
      assert.equal(line, `error: --out ${fifo}: is not a regular file (a pipe or a device?); give a file path`);
    },
  );

  test("--out in a folder that does not exist yet creates it", async () => {
    const out = join(folder(), "a", "b", "trace.jsonl");
    const result = await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), TRACE_SHA256), "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readFileSync(out), TRACE);
  });

  test("--out under a file is one error line", async () => {
    const file = join(folder(), "not-a-folder");
    writeFileSync(file, "");
    const line = errorLine(
      await runCli(["trace", "fetch", "--config-file", stackFile(url("/trace.jsonl"), TRACE_SHA256), "--out", join(file, "trace.jsonl")]),
    );
    assert.match(line, /^error: --out .*: cannot (look at it|make the folder .*) \(a part of the path is a file, not a /);
  });
});

describe("an interrupted trace fetch", () => {
  test("leaves no partial download behind", async () => {
    const dir = folder();
    const child = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, "cli", "launch.js"),
        "trace",
        "fetch",
        "--config-file",
        stackFile(url("/silent"), TRACE_SHA256),
        "--out",
        join(dir, "trace.jsonl"),
      ],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    const ended = once(child, "close");
    // The download has begun, and its partial file exists, once the command says so.
    for await (const chunk of child.stderr.setEncoding("utf8")) {
      stderr += chunk;
      if (stderr.includes("downloading the trace from")) break;
    }
    assert.notDeepEqual(readdirSync(dir), [], "the partial file is there while it downloads");
    child.kill("SIGINT");
    const [status, signal] = await ended;
    assert.deepEqual({ status, signal }, { status: null, signal: "SIGINT" });
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe("the trace fetch takes the trace the benchmark Job replays", () => {
  const RUN = { stack: "agg", runId: "0a1b2c3d" };
  function jobTrace(stack: string) {
    const job = buildBenchmarkJob(stackConfigFromFile(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`)), { ...RUN, stack });
    const env = Object.fromEntries((job.spec!.template.spec!.initContainers![0].env ?? []).map((e) => [e.name, e.value]));
    return { url: env.TRACE_URL, sha256: env.TRACE_SHA256 };
  }

  test("with neither --stack nor --config-file, the URL and sha256 are those of the agg stack's Job", () => {
    assert.deepEqual(traceSource({}), jobTrace("agg"));
    assert.match(traceSource({}).url, /^https:\/\/raw\.githubusercontent\.com\/kvcache-ai\/Mooncake\/[0-9a-f]{40}\//);
  });

  test("with --stack, those of that stack's Job", () => {
    assert.deepEqual(traceSource({ stack: "disagg" }), jobTrace("disagg"));
  });

  test("with --config-file, the file's own", () => {
    assert.deepEqual(traceSource({ configFile: stackFile("http://127.0.0.1:1/t.jsonl", OTHER_SHA256) }), {
      url: "http://127.0.0.1:1/t.jsonl",
      sha256: OTHER_SHA256,
    });
  });
});

describe("a download is bounded", () => {
  const small = { ...TRACE_DOWNLOAD_LIMITS, idleTimeoutMs: 200 };
  async function refusal(path: string, limits = small): Promise<{ message: string; left: string[] }> {
    const dir = folder();
    const lines: string[] = [];
    const error = await fetchTrace({ url: url(path), sha256: TRACE_SHA256 }, join(dir, "trace.jsonl"), {
      limits,
      log: (line) => lines.push(line),
    }).then(
      () => assert.fail("the download succeeded"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof UserError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return { message: error.message, left: readdirSync(dir) };
  }

  test("by the idle timeout, against a server that accepts the request and never answers", async () => {
    const { message, left } = await refusal("/silent");
    assert.equal(
      message,
      `cannot download the trace from ${url("/silent")}: ${server.origin.slice("http://".length)} sent nothing for 200 ms`,
    );
    assert.deepEqual(left, []);
  });

  test("by the idle timeout, against a server that stops in the middle of the body", async () => {
    const { message, left } = await refusal("/stalls");
    assert.match(message, / sent nothing for 200 ms$/);
    assert.deepEqual(left, []);
  });

  test("by the overall deadline, against a server that keeps the connection alive", async () => {
    const { message, left } = await refusal("/stalls", { ...TRACE_DOWNLOAD_LIMITS, totalTimeoutMs: 200 });
    assert.equal(message, `cannot download the trace from ${url("/stalls")}: it took more than 200 ms`);
    assert.deepEqual(left, []);
  });

  test("by the size cap, whether the server declares the body's length or not", async () => {
    // No short idle timeout here: on a busy machine the stub may be slow to answer, and that is not what is tested.
    const capped = { ...TRACE_DOWNLOAD_LIMITS, maxBytes: 1000 };
    const declared = await refusal("/trace.jsonl", capped);
    assert.match(declared.message, new RegExp(`: the body is ${TRACE.length} bytes, more than the 1000 bytes a trace may be$`));
    assert.deepEqual(declared.left, []);
    const streamed = await refusal("/chunked.jsonl", capped);
    assert.match(streamed.message, /: the body is more than the 1000 bytes a trace may be$/);
    assert.deepEqual(streamed.left, []);
  });
});
