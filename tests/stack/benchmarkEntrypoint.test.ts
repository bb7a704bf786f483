import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { buildStackObjects } from "../../stack/builders/stackObjects";
import { filesFromLog } from "../../analysis/summary/summaryFiles";
import { FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { SCRIPTS } from "../support/clusterScripts";
import { PYTHON } from "../support/python";
import { NO_IMPLAUSIBLE_RECORDS } from "../../analysis/summary/runSummary";

const MODEL = "Qwen/Qwen3-32B";
/** Six requests inside the Job's 60 s schedule window, over 2.5 s, and one after it. */
const TRACE = [0, 500, 1_000, 1_500, 2_000, 2_500, 90_000]
  .map((timestamp) => `{"timestamp": ${timestamp}, "input_length": 655, "output_length": 52, "hash_ids": [46, 47]}\n`)
  .join("");
const TRACE_SHA256 = createHash("sha256").update(TRACE).digest("hex");

/** Metrics in Prometheus' text format, as a worker's system server would serve them. */
const WORKER_METRICS = `# HELP vllm:prefix_cache_queries Prefix cache queries, in terms of number of queried tokens.
# TYPE vllm:prefix_cache_queries_total counter
vllm:prefix_cache_queries_total{engine="0",model_name="Qwen/Qwen3-32B"} 1000.0
`;

/**
 * An OpenAI-compatible frontend that lists the model only from its Nth request on, and serves the
 * trace and its metrics; and, at the same address, the Kubernetes API's pod list, with the graph's
 * two workers at 127.0.0.1, so that their metrics are this server's.
 */
class StubFrontend {
  private server!: Server;
  private unlistedRequestsLeft = 0;
  /** A body to answer /v1/models with in place of a model list, such as a malformed one. */
  modelsBody: string | undefined;
  modelRequests = 0;
  traceRequests = 0;
  metricsRequests = 0;
  podLists: { url: string; authorization?: string }[] = [];
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      if (request.url === "/v1/models") {
        this.modelRequests++;
        const listed = this.unlistedRequestsLeft <= 0;
        this.unlistedRequestsLeft--;
        const data = listed ? [{ id: MODEL, object: "model" }] : [];
        response.writeHead(200, { "content-type": "application/json" }).end(this.modelsBody ?? JSON.stringify({ object: "list", data }));
      } else if (request.url === "/metrics") {
        this.metricsRequests++;
        response.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(WORKER_METRICS);
      } else if (request.url?.startsWith("/api/v1/namespaces/dynamo-bench/pods?")) {
        this.podLists.push({ url: decodeURIComponent(request.url), authorization: request.headers.authorization });
        const pod = (name: string, type: string, phase: string) => ({
          metadata: { name, labels: { "nvidia.com/dynamo-component-type": "worker", "nvidia.com/dynamo-sub-component-type": type } },
          status: { phase, podIP: "127.0.0.1" },
        });
        const items = [
          pod("disagg-prefill-0", "prefill", "Running"),
          pod("disagg-decode-0", "decode", "Running"),
          pod("x", "decode", "Pending"),
        ];
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "PodList", items }));
      } else if (request.url === "/trace.jsonl") {
        this.traceRequests++;
        response.writeHead(200).end(TRACE);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Counts requests, not milliseconds, so that a slow machine sees the same: the first `unlisted` answers leave the model out. */
  listModelAfter(unlisted: number): void {
    this.unlistedRequestsLeft = unlisted;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A fake aiperf that records its arguments and writes a run's records into --artifact-dir; or, to
 * stand for a run that outlasts its time limit, waits until interrupted and writes them then.
 */
function fakeAiperf(bin: string, argsLog: string, records: string, exitCode = 0, { hangUntilInterrupted = false } = {}): void {
  const path = join(bin, "aiperf");
  writeFileSync(
    path,
    `#!${PYTHON}
import json, os, sys, threading
args = sys.argv[1:]
with open(${JSON.stringify(argsLog)}, "w") as f:
    json.dump(args, f)
out = args[args.index("--artifact-dir") + 1]
code = ${exitCode}
if ${hangUntilInterrupted ? "True" : "False"}:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        code = 130
with open(os.path.join(out, "profile_export.jsonl"), "w") as f:
    f.write(${JSON.stringify(records)})
sys.exit(code)
`,
  );
  chmodSync(path, 0o755);
}

interface Sandbox {
  root: string;
  bin: string;
  argsLog: string;
  perfCache: string;
}

function sandbox(exitCode = 0, behaviour: { hangUntilInterrupted?: boolean } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "dynamo-bench-benchmark-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const argsLog = join(root, "aiperf-args.json");
  fakeAiperf(bin, argsLog, FIVE_REQUESTS.map(recordLine).join("\n") + "\n", exitCode, behaviour);
  return { root, bin, argsLog, perfCache: join(root, "perf-cache") };
}

/** The exit code the entrypoint left for the summary step. */
function recordedCode(box: Sandbox): string {
  return readFileSync(join(box.perfCache, "artifacts", "disagg", "0a1b2c3d", "aiperf-exit-code"), "utf8").trim();
}

const config = parseStackConfig({ variant: "disagg", benchmark: { fixedScheduleEndOffsetMs: 60_000 } }, "test");
const objects = buildStackObjects(config, { stack: "disagg", runId: "0a1b2c3d" }, SCRIPTS);
const job = objects.benchmark!.job;
const podSpec = job.spec!.template.spec!;

/** The Job's own environment for a container, pointed at the sandbox and the stub instead of the cluster. */
function containerEnv(containerEnvVars: { name: string; value?: string }[], box: Sandbox, overrides: Record<string, string>) {
  const env: Record<string, string> = { PATH: `${box.bin}:${process.env.PATH}`, READY_POLL_SECONDS: "0.1" };
  for (const variable of containerEnvVars) {
    env[variable.name] = variable.value!.replace("/perf-cache", box.perfCache);
  }
  return { ...env, ...overrides };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("the benchmark Job's entrypoint, run for real against a stub frontend", () => {
  const frontend = new StubFrontend();
  const scriptsDir = mkdtempSync(join(tmpdir(), "dynamo-bench-scripts-"));
  for (const [name, text] of Object.entries(objects.benchmark!.scripts.data!)) writeFileSync(join(scriptsDir, name), text);

  before(() => frontend.start());
  after(() => frontend.stop());

  function runEntrypoint(box: Sandbox, overrides: Record<string, string> = {}): Promise<Result> {
    const env = containerEnv(podSpec.initContainers![0].env as { name: string; value: string }[], box, {
      FRONTEND_URL: frontend.url,
      TRACE_URL: `${frontend.url}/trace.jsonl`,
      TRACE_SHA256,
      ...overrides,
    });
    return run(PYTHON, [join(scriptsDir, "benchmark.py")], env);
  }

  function runSummaryContainer(box: Sandbox): Promise<Result> {
    const container = podSpec.containers[0];
    const env = containerEnv(container.env as { name: string; value: string }[], box, {});
    const command = container.command![2].replaceAll("/dynamo-bench/", `${scriptsDir}/`);
    return run("sh", ["-c", command], env);
  }

  test("waits for the model with a timestamped line per retry, then runs aiperf with exactly the recipe's arguments", async () => {
    const box = sandbox();
    frontend.listModelAfter(2);
    const result = await runEntrypoint(box);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const waits = result.stdout.split("\n").filter((line) => line.includes(`waiting for ${MODEL}`));
    assert.equal(waits.length, 2, `expected a line for each of the two unlisted answers, got:\n${result.stdout}`);
    for (const line of waits)
      assert.match(
        line,
        /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] waiting for Qwen\/Qwen3-32B at .*\/v1\/models \(attempt \d+: not listed yet\)/,
      );
    const artifactDir = join(box.perfCache, "artifacts", "disagg", "0a1b2c3d");
    assert.deepEqual(JSON.parse(readFileSync(box.argsLog, "utf8")), [
      "profile",
      "-m",
      MODEL,
      "--input-file",
      join(box.perfCache, "traces", "conversation_trace.jsonl"),
      "--custom-dataset-type",
      "mooncake_trace",
      "--fixed-schedule",
      "--url",
      frontend.url,
      "--streaming",
      "--artifact-dir",
      artifactDir,
      "--goodput",
      "time_to_first_token:2000 inter_token_latency:25",
      "--tokenizer-revision",
      "9216db5781bf21249d130ec9da846c4624c16137",
      "--fixed-schedule-end-offset",
      "60000",
    ]);
    assert.equal(readFileSync(join(artifactDir, "aiperf-exit-code"), "utf8").trim(), "0");
  });

  test("prints progress from aiperf's records, and scrapes the frontend and every running worker at the start and end", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    const account = join(box.root, "serviceaccount");
    mkdirSync(account);
    writeFileSync(join(account, "token"), "job-token\n");
    const port = new URL(frontend.url).port;
    const result = await runEntrypoint(box, { KUBERNETES_API_URL: frontend.url, SERVICE_ACCOUNT_DIR: account, WORKER_METRICS_PORT: port });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // The default intervals (30 s and 300 s) leave one progress line, at the end, and the two scrapes.
    const progress = result.stdout.split("\n").filter((line) => line.includes("progress:"));
    assert.equal(progress.length, 1, result.stdout);
    assert.match(
      progress[0],
      /\] progress: 6\/6 requests \(100\.0%\), 1 error, \d+:\d\d(:\d\d)? of 00:02 trace time, TTFT p50 300 ms, ITL p50 30\.0 ms$/,
    );

    assert.deepEqual(frontend.podLists.at(-1), {
      url:
        "/api/v1/namespaces/dynamo-bench/pods?labelSelector=nvidia.com/dynamo-graph-deployment-name=disagg-router-6p-2d," +
        "nvidia.com/dynamo-component-type in (worker,prefill,decode)",
      authorization: "Bearer job-token",
    });
    const metricsDir = join(box.perfCache, "artifacts", "disagg", "0a1b2c3d", "server-metrics");
    const scrapes = readFileSync(join(metricsDir, "scrapes.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      scrapes.map((scrape) => [scrape.index, scrape.phase, scrape.targets]),
      [0, 1].map((index) => [
        index,
        index === 0 ? "start" : "end",
        [
          { name: "frontend", role: "frontend", file: `0${index}-${index === 0 ? "start" : "end"}/frontend.prom` },
          { name: "disagg-decode-0", role: "decode", file: `0${index}-${index === 0 ? "start" : "end"}/disagg-decode-0.prom` },
          { name: "disagg-prefill-0", role: "prefill", file: `0${index}-${index === 0 ? "start" : "end"}/disagg-prefill-0.prom` },
        ],
      ]),
    );
    assert.equal(readFileSync(join(metricsDir, "01-end", "disagg-prefill-0.prom"), "utf8"), WORKER_METRICS);
    assert.match(result.stdout, /server metrics: scrape 1 \(end\): 3 of 3 targets/);
  });

  test("without the Job's ServiceAccount, the workers are not scraped, the frontend still is, and the run goes on", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    const result = await runEntrypoint(box, { SERVICE_ACCOUNT_DIR: join(box.root, "no-account") });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(recordedCode(box), "0");
    assert.match(result.stdout, /server metrics: could not list the worker pods: .*no-account\/token/);
    assert.match(result.stdout, /server metrics: scrape 0 \(start\): 1 of 1 targets/);
    assert.doesNotMatch(result.stdout + result.stderr, /Traceback/);
  });

  test("keeps the verified trace on the perf cache and reuses it on the next run", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    const downloadsBefore = frontend.traceRequests;
    assert.equal((await runEntrypoint(box)).code, 0);
    assert.equal(readFileSync(join(box.perfCache, "traces", "conversation_trace.jsonl"), "utf8"), TRACE);
    const second = await runEntrypoint(box, { ARTIFACT_DIR: join(box.perfCache, "artifacts", "disagg", "second-run") });
    assert.equal(second.code, 0, second.stdout);
    assert.match(second.stdout, /reusing the verified trace/);
    assert.equal(frontend.traceRequests - downloadsBefore, 1, "one download for both runs");
  });

  test("a trace whose sha256 differs fails with a clear message, and is not kept", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    const wrong = "0".repeat(64);
    const result = await runEntrypoint(box, { TRACE_SHA256: wrong });
    assert.equal(result.code, 0, "the summary step runs either way");
    assert.equal(recordedCode(box), "4");
    assert.equal((await runSummaryContainer(box)).code, 4, "and fails the Job with the step's code");
    assert.match(result.stdout, new RegExp(`error: the trace from .* has sha256 ${TRACE_SHA256}, but ${wrong} was expected`));
    assert.ok(!existsSync(join(box.perfCache, "traces", "conversation_trace.jsonl")));
    assert.ok(!existsSync(box.argsLog), "aiperf never ran");
  });

  test("the wait is bounded: a model never listed fails the Job", async () => {
    const box = sandbox();
    frontend.listModelAfter(Infinity);
    const result = await runEntrypoint(box, { READY_TIMEOUT_SECONDS: "1" });
    assert.equal(result.code, 0);
    assert.equal(recordedCode(box), "3");
    const summary = await runSummaryContainer(box);
    assert.equal(summary.code, 3);
    assert.match(summary.stdout, /no summary; the artifacts are in /);
    assert.match(result.stdout, /error: Qwen\/Qwen3-32B was not listed at .* within 1 s/);
  });

  test("the wait ends by the run's time limit, even before the ready timeout, so the summary step still runs", async () => {
    const box = sandbox();
    frontend.listModelAfter(Infinity);
    const result = await runEntrypoint(box, { READY_TIMEOUT_SECONDS: "1800", RUN_TIME_LIMIT_SECONDS: "1" });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /error: Qwen\/Qwen3-32B was not listed at .* within [01] s/);
    assert.equal(recordedCode(box), "3");
  });

  test("a /v1/models answer that is no model list is one more try, never a crash", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    for (const body of ["[]", '{"data": ["x"]}', '{"data": null}', "not json"]) {
      frontend.modelsBody = body;
      const result = await runEntrypoint(box, { READY_TIMEOUT_SECONDS: "0" });
      assert.equal(result.code, 0, `${body}: ${result.stderr}`);
      assert.doesNotMatch(result.stdout + result.stderr, /Traceback/, body);
      assert.equal(recordedCode(box), "3", body);
    }
    frontend.modelsBody = undefined;
  });

  test("never writes into an earlier run's directory", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    assert.equal((await runEntrypoint(box)).code, 0);
    const again = await runEntrypoint(box);
    assert.equal(again.code, 5);
    assert.match(again.stdout, /already holds a run; every run writes to a new directory/);
  });

  test("the summary container writes summary.json and summary.md beside the artifacts and prints them", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    assert.equal((await runEntrypoint(box)).code, 0);
    const result = await runSummaryContainer(box);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const artifactDir = join(box.perfCache, "artifacts", "disagg", "0a1b2c3d");
    const written = JSON.parse(readFileSync(join(artifactDir, "summary.json"), "utf8"));
    assert.deepEqual(written.requests, {
      total: 6,
      succeeded: 5,
      failed: 1,
      skippedLines: 0,
      implausible: NO_IMPLAUSIBLE_RECORDS,
    });
    assert.equal(written.goodput.goodRequests, 2, "the recipe's ITL ≤ 25 ms leaves the two requests at 10 and 20 ms");
    const printed = filesFromLog(result.stdout);
    assert.deepEqual(JSON.parse(printed["summary.json"]!), written);
    assert.equal(printed["summary.md"], readFileSync(join(artifactDir, "summary.md"), "utf8"));
    assert.match(result.stdout, /Goodput: 2 of 6 requests/);
  });

  test("aiperf still running at the time limit is interrupted, writes what it recorded, and that is summarized", async () => {
    const box = sandbox(0, { hangUntilInterrupted: true });
    frontend.listModelAfter(0);
    const result = await runEntrypoint(box, { RUN_TIME_LIMIT_SECONDS: "0" });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /aiperf is still running at the run's time limit \(benchmark\.activeDeadlineMinutes\); stopping it/);
    assert.equal(recordedCode(box), "124");
    const summary = await runSummaryContainer(box);
    assert.equal(summary.code, 124);
    assert.ok(existsSync(join(box.perfCache, "artifacts", "disagg", "0a1b2c3d", "summary.json")), "what it recorded is summarized");
  });

  test("an aiperf that could not be installed is said, and still fails the Job through the summary step", async () => {
    const box = sandbox();
    frontend.listModelAfter(0);
    const result = await runEntrypoint(box, { PATH: "/usr/bin:/bin" });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /error: aiperf is not installed \(pip could not install aiperf 0\.13\.0\)/);
    assert.equal(recordedCode(box), "6");
  });

  test("a failed aiperf still gets its partial run summarized, and fails the Job with aiperf's code", async () => {
    const box = sandbox(7);
    frontend.listModelAfter(0);
    assert.equal((await runEntrypoint(box)).code, 0);
    const result = await runSummaryContainer(box);
    assert.equal(result.code, 7);
    assert.ok(existsSync(join(box.perfCache, "artifacts", "disagg", "0a1b2c3d", "summary.json")));
  });
});
