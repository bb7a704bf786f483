import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parseStackConfig } from "../../stack/config/stackConfig";
import { SCRIPTS } from "../support/clusterScripts";
import { REJECTED_LOG, saveRunSummary } from "../../stack/hooks/saveRunSummary";
import { reportRun } from "../../cli/report";
import { benchmarkFailureCallback, benchmarkSummaryCallback, nextRunKey } from "../../stack/hooks/benchmarkHooks";
import { latestRunsOfOtherStacks } from "../../analysis/runs/runDirectory";
import { kubernetesJobLogs, type JobLogReader } from "../../stack/hooks/jobLogs";
import { logMarkers } from "../../analysis/summary/summaryFiles";
import { artifactDir, FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { NO_IMPLAUSIBLE_RECORDS } from "../../analysis/summary/runSummary";

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-postrun-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;
const newDir = (name: string) => {
  const dir = join(scratch, `${name}-${++scratchCount}`);
  mkdirSync(dir);
  return dir;
};

const bundlePath = join(newDir("bundle"), "summarize.js");
writeFileSync(bundlePath, SCRIPTS.summarizeJs);

/** What the summary container prints for a run: the real bundle, run on an aiperf-format directory. */
function summaryContainerLog(ttftScale = 1): string {
  const specs = FIVE_REQUESTS.map((r) => ({ ...r, ttft: r.ttft && r.ttft * ttftScale }));
  const dir = artifactDir(specs.map(recordLine).join("\n") + "\n");
  try {
    return execFileSync(process.execPath, [bundlePath, dir, "time_to_first_token:1000 inter_token_latency:30"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const GOOD_LOG = summaryContainerLog();
const FASTER_LOG = summaryContainerLog(0.5);

/** A log whose summary.json text is replaced by `json`. */
function logWithSummaryJson(json: string): string {
  const { begin, end } = logMarkers("summary.json");
  const start = GOOD_LOG.indexOf(`${begin}\n`) + begin.length + 1;
  return GOOD_LOG.slice(0, start) + json + GOOD_LOG.slice(GOOD_LOG.indexOf(`${end}\n`));
}

function reader(log: string | Error): JobLogReader {
  return {
    async containerLog() {
      if (log instanceof Error) throw log;
      return log;
    },
  };
}

const COMMANDS = { summaryLog: "kubectl -n dynamo-bench logs job/x -c summary", artifacts: "mkdir -p results && kubectl run fetch …" };

async function collect(resultsRoot: string, logs: JobLogReader, stack: string, variant: "agg" | "disagg", runId: string) {
  const printed: string[] = [];
  const print = (text: string) => printed.push(text);
  const dir = await saveRunSummary({
    run: { stack, variant, runId, jobName: `${stack}-benchmark-${runId}` },
    namespace: "dynamo-bench",
    resultsRoot,
    logs,
    commands: COMMANDS,
    print,
  });
  if (dir !== undefined) await reportRun(dir, { tracePath: "unused", print });
  return { ok: dir !== undefined, printed: printed.join("\n") };
}

describe("after the benchmark Job completes", () => {
  test("its summary is saved under results/<stack>/<run-id>/ and printed", async () => {
    const results = newDir("results");
    const { ok, printed } = await collect(results, reader(GOOD_LOG), "agg", "agg", "11111111");
    assert.equal(ok, true);
    const saved = JSON.parse(readFileSync(join(results, "agg", "11111111", "summary.json"), "utf8"));
    assert.deepEqual(saved.requests, {
      total: 6,
      succeeded: 5,
      failed: 1,
      skippedLines: 0,
      implausible: NO_IMPLAUSIBLE_RECORDS,
    });
    const { savedAt, ...run } = JSON.parse(readFileSync(join(results, "agg", "11111111", "run.json"), "utf8"));
    assert.deepEqual(run, {
      kind: "dynamo-bench run",
      schemaVersion: 1,
      stack: "agg",
      variant: "agg",
      runId: "11111111",
      jobName: "agg-benchmark-11111111",
    });
    assert.ok(Math.abs(Date.parse(savedAt) - Date.now()) < 3_600_000, `saved now, in UTC: ${savedAt}`);
    assert.match(printed, /Benchmark run 11111111 of stack agg, saved in .*\/agg\/11111111/);
    assert.match(printed, /\| Time to first token \| ms \| 500\.00 \|/);
  });

  test("with the other stack's latest run saved, it prints the comparison, agg as the baseline", async () => {
    const results = newDir("results");
    await collect(results, reader(GOOD_LOG), "agg", "agg", "11111111");
    const { printed } = await collect(results, reader(FASTER_LOG), "disagg", "disagg", "22222222");
    assert.match(printed, /agg \(baseline\) vs disagg \(candidate\)/);
    assert.match(printed, /Time to first token p50 \(ms\)\s+300\.00\s+150\.00\s+-50\.0%\s+0\.500×/);
    for (const file of ["comparison-vs-agg.md", "comparison-vs-agg.html"]) {
      assert.ok(existsSync(join(results, "disagg", "22222222", file)), file);
    }
  });

  test("a failure to fetch never throws: it says so and prints the commands that do it by hand", async () => {
    const results = newDir("results");
    const { ok, printed } = await collect(results, reader(new Error("connection refused")), "agg", "agg", "33333333");
    assert.equal(ok, false);
    assert.match(printed, /Could not fetch the summary of benchmark run 33333333 \(connection refused\)\. The run itself is unaffected\./);
    assert.match(printed, /Its summary: {8}kubectl -n dynamo-bench logs job\/x -c summary/);
    assert.match(printed, /Its full artifacts: mkdir -p results && kubectl run fetch/);
    assert.deepEqual(readdirSync(results), []);
  });
});

describe("a log that holds no valid summary is reported and kept apart, where no comparison reads it", () => {
  const bad: Record<string, [string, RegExp]> = {
    "no markers": ["aiperf crashed before the summary\n", /the summary container printed no summary/],
    "summary.json that is not JSON": [logWithSummaryJson('{"requests": {"total": 6,\n'), /its summary\.json is not JSON/],
    "summary.json of another shape": [
      logWithSummaryJson('{"schemaVersion": 1, "requests": {"total": "six"}}\n'),
      /its summary\.json is not a dynamo-bench summary \(requests\.total: .*number/,
    ],
  };
  for (const [name, [log, reason]] of Object.entries(bad)) {
    test(name, async () => {
      const results = newDir("results");
      const { ok, printed } = await collect(results, reader(log), "agg", "agg", "44444444");
      assert.equal(ok, false);
      assert.match(printed, reason);
      assert.match(printed, /kept apart in .*\/agg\/44444444\.rejected, where no comparison reads it/);
      assert.deepEqual(readdirSync(join(results, "agg")), ["44444444.rejected"]);
      assert.deepEqual(readdirSync(join(results, "agg", "44444444.rejected")), [REJECTED_LOG]);
      assert.equal(readFileSync(join(results, "agg", "44444444.rejected", REJECTED_LOG), "utf8"), log);

      const later = await collect(results, reader(FASTER_LOG), "disagg", "disagg", "55555555");
      assert.equal(later.ok, true);
      assert.doesNotMatch(later.printed, /baseline|Skipped|Not compared/, "the rejected log is never compared with");
    });
  }
});

describe("saved runs are never written over", () => {
  test("a run id that already has a directory gets a new one beside it; the first stays as it was", async () => {
    const results = newDir("results");
    await collect(results, reader(GOOD_LOG), "agg", "agg", "66666666");
    const first = readFileSync(join(results, "agg", "66666666", "summary.json"), "utf8");
    const { ok, printed } = await collect(results, reader(FASTER_LOG), "agg", "agg", "66666666");
    assert.equal(ok, true);
    assert.match(printed, /saved in .*\/agg\/66666666-2:/);
    assert.equal(readFileSync(join(results, "agg", "66666666", "summary.json"), "utf8"), first);
    assert.notEqual(readFileSync(join(results, "agg", "66666666-2", "summary.json"), "utf8"), first);
  });

  test("a corrupt run.json of another run is skipped with a note, and this run is still saved and compared", async () => {
    const results = newDir("results");
    await collect(results, reader(GOOD_LOG), "agg", "agg", "77777777");
    mkdirSync(join(results, "agg", "88888888"));
    writeFileSync(join(results, "agg", "88888888", "run.json"), "{ not json");
    const { ok, printed } = await collect(results, reader(FASTER_LOG), "disagg", "disagg", "99999999");
    assert.equal(ok, true);
    assert.match(printed, /Skipped a saved run that cannot be read: .*agg\/88888888\/run\.json is not JSON/);
    assert.match(printed, /agg \(baseline\) vs disagg \(candidate\)/);
    assert.doesNotMatch(printed, /Could not fetch/);
  });

  test("another run whose summary.json is corrupt is not compared with, and this run still succeeds", async () => {
    const results = newDir("results");
    await collect(results, reader(GOOD_LOG), "agg", "agg", "aaaaaaaa");
    writeFileSync(join(results, "agg", "aaaaaaaa", "summary.json"), "[]");
    const { ok, printed } = await collect(results, reader(FASTER_LOG), "disagg", "disagg", "bbbbbbbb");
    assert.equal(ok, true);
    const line = printed.split("\n").find((each) => each.startsWith("Not compared with "));
    assert.match(
      line ?? printed,
      /^Not compared with \S*agg\/aaaaaaaa\/summary\.json: .*not a dynamo-bench summary \(not a JSON object\)$/,
    );
    assert.equal(line!.split("agg/aaaaaaaa").length, 2, `the run's path is said once: ${line}`);
    assert.ok(existsSync(join(results, "disagg", "bbbbbbbb", "summary.json")));
  });
});

describe("the resource hook", () => {
  const config = parseStackConfig({ variant: "disagg" }, "test");
  const jobOutputs = (name: unknown, runId: unknown) => ({
    metadata: { name, namespace: "dynamo-bench" },
    spec: { template: { metadata: { labels: { "dynamo-bench/run-id": runId } } } },
  });
  const hookArgs = (name: unknown = "disagg-router-6p-2d-benchmark-44444444", runId: unknown = "44444444") => ({
    urn: "urn",
    id: "id",
    name: "benchmark-job",
    type: "kubernetes:batch/v1:Job",
    newOutputs: jobOutputs(name, runId),
  });

  test("reads the run from the Job it ran after, and saves that run's summary", async () => {
    const resultsRoot = newDir("results");
    const callback = benchmarkSummaryCallback(config, "disagg", { logs: reader(GOOD_LOG), resultsRoot, print: () => undefined });
    await callback(hookArgs());
    assert.ok(existsSync(join(resultsRoot, "disagg", "44444444", "summary.json")));
  });

  describe("when the benchmark Job fails or times out", () => {
    const failure = (newInputs: unknown, errors = ["the Job failed: BackoffLimitExceeded\nmore detail"]) => ({
      urn: "urn",
      id: "",
      name: "benchmark-job",
      type: "kubernetes:batch/v1:Job",
      newInputs: newInputs as Record<string, unknown>,
      failedOperation: "create",
      errors,
    });

    test("what aiperf recorded is saved as a run that did not succeed, once, and one line says how to run again", async () => {
      const resultsRoot = newDir("results");
      const printed: string[] = [];
      const callback = benchmarkFailureCallback(config, "disagg", { logs: reader(GOOD_LOG), resultsRoot, print: (t) => printed.push(t) });
      assert.equal(await callback(failure(jobOutputs("disagg-router-6p-2d-benchmark-44444444", "44444444"))), false, "never retried");
      const run = JSON.parse(readFileSync(join(resultsRoot, "disagg", "44444444", "run.json"), "utf8"));
      assert.equal(run.failure, "the Job failed: BackoffLimitExceeded");
      assert.ok(existsSync(join(resultsRoot, "disagg", "44444444", "summary.json")));
      assert.equal(
        printed.at(-1),
        "To run the benchmark again, with a new run id: pulumi config set -s disagg --path benchmark.runKey 2 && pulumi up -s disagg",
      );
      // The next `up` re-awaits the same failed Job: nothing is saved twice.
      printed.length = 0;
      await callback(failure(jobOutputs("disagg-router-6p-2d-benchmark-44444444", "44444444")));
      assert.deepEqual(readdirSync(join(resultsRoot, "disagg")), ["44444444"]);
      assert.match(printed[0], /^Benchmark run 44444444 did not succeed; what it recorded is saved in .*44444444\.$/);
      assert.match(printed[1], /benchmark\.runKey 2 && pulumi up -s disagg$/);
    });

    test("a run that did not succeed is never the baseline of a later comparison", async () => {
      const resultsRoot = newDir("results");
      await benchmarkFailureCallback(config, "agg", { logs: reader(GOOD_LOG), resultsRoot, print: () => undefined })(
        failure(jobOutputs("agg-8xtp2-benchmark-44444444", "44444444")),
      );
      assert.deepEqual(latestRunsOfOtherStacks(resultsRoot, "disagg").runs, []);
    });

    test("with no usable Job, it still says how to run again; a non-numeric run key gets a suffix", async () => {
      const printed: string[] = [];
      const nightly = parseStackConfig({ variant: "disagg", benchmark: { runKey: "nightly" } }, "test");
      await benchmarkFailureCallback(nightly, "disagg", {
        logs: reader(GOOD_LOG),
        resultsRoot: newDir("results"),
        print: (t) => printed.push(t),
      })(failure(undefined, []));
      assert.match(printed.join("\n"), /reported no usable name or run id[\s\S]*benchmark\.runKey nightly-2 && pulumi up -s disagg$/);
      assert.deepEqual([nextRunKey("1"), nextRunKey("41"), nextRunKey("a b")], ["2", "42", "a b-2"]);
    });
  });

  test("when `pulumi up` did not wait, it prints where the summary will be", async () => {
    const printed: string[] = [];
    const noWait = parseStackConfig({ variant: "disagg", benchmark: { wait: false } }, "test");
    await benchmarkSummaryCallback(noWait, "disagg", { logs: reader(new Error("must not be read")), print: (t) => printed.push(t) })(
      hookArgs(),
    );
    assert.match(
      printed.join(""),
      new RegExp(
        String.raw`did not wait for it \(benchmark\.wait: false\)[\s\S]*` +
          String.raw`kubectl -n dynamo-bench logs job\/disagg-router-6p-2d-benchmark-44444444 -c summary`,
      ),
    );
    assert.match(printed.join(""), /Its full artifacts: +npx dynamo-bench results pull -s disagg --run 44444444\n/);
  });

  test("a run id or Job name from the API that could name a path or a command is refused, and nothing is written", async () => {
    for (const [name, runId] of [
      ["x", "../../../tmp"],
      ["x", "4444444"],
      ["x; rm -rf ~", "44444444"],
      ["x", null],
      [42, "44444444"],
    ]) {
      const resultsRoot = newDir("results");
      const printed: string[] = [];
      await benchmarkSummaryCallback(config, "disagg", { logs: reader(GOOD_LOG), resultsRoot, print: (t) => printed.push(t) })(
        hookArgs(name, runId),
      );
      assert.match(printed.join(""), /reported no usable name or run id.*nothing was saved/);
      assert.deepEqual(readdirSync(resultsRoot), []);
    }
  });

  test("a stack name cannot place results outside results/", async () => {
    for (const stack of ["..", ".", "a/b", ".hidden"]) {
      const root = newDir("root");
      const resultsRoot = join(root, "results");
      const printed: string[] = [];
      await benchmarkSummaryCallback(config, stack, { logs: reader(GOOD_LOG), resultsRoot, print: (t) => printed.push(t) })(hookArgs());
      assert.match(printed.join(""), /Could not save the summary of benchmark run 44444444 \(".*" cannot name a directory under/);
      assert.deepEqual(
        readdirSync(root).filter((name) => name !== "results"),
        [],
        `nothing beside results/ for stack ${stack}`,
      );
      assert.ok(!existsSync(join(root, "44444444")));
    }
  });

  test("a secret kubeContext appears in no printed command and in no message", async () => {
    const secret = { ...parseStackConfig({ variant: "disagg", kubeContext: "prod-h200-secret" }, "test", ["kubeContext"]) };
    const printed: string[] = [];
    const logs = reader(new Error('context "prod-h200-secret" has no cluster'));
    await benchmarkSummaryCallback(secret, "disagg", { logs, resultsRoot: newDir("results"), print: (t) => printed.push(t) })(hookArgs());
    const text = printed.join("\n");
    assert.doesNotMatch(text, /prod-h200-secret/);
    assert.match(text, /context "\[secret: dynamo-bench:kubeContext\]" has no cluster/);
    assert.match(text, /kubectl --context="\$\(pulumi config get -s disagg kubeContext\)" -n dynamo-bench logs/);
  });

  test("a secret kubeContext also found in other words leaves the printed commands whole; an escaped copy is hidden too", async () => {
    const run = async (kubeContext: string, error: string) => {
      const secret = parseStackConfig({ variant: "disagg", kubeContext }, "test", ["kubeContext"]);
      const printed: string[] = [];
      await benchmarkSummaryCallback(secret, "disagg", {
        logs: reader(new Error(error)),
        resultsRoot: newDir("results"),
        print: (t) => printed.push(t),
      })(hookArgs());
      return printed.join("\n");
    };
    const common = await run("dynamo", 'context "dynamo" not found');
    assert.match(common, /context "\[secret: dynamo-bench:kubeContext\]" not found/);
    assert.match(
      common,
      new RegExp(
        String.raw`kubectl --context="\$\(pulumi config get -s disagg kubeContext\)" ` +
          String.raw`-n dynamo-bench logs job\/disagg-router-6p-2d-benchmark-44444444 -c summary`,
      ),
    );
    const pull = String.raw`npx dynamo-bench results pull -s disagg --run 44444444 `;
    assert.match(common, new RegExp(pull + String.raw`--context "\$\(pulumi config get -s disagg kubeContext\)"`));
    const escaped = await run('my"ctx', String.raw`context "my\"ctx" not found`);
    assert.doesNotMatch(escaped, /my\\"ctx|my"ctx/);
    assert.match(escaped, /context "\[secret: dynamo-bench:kubeContext\]" not found/);
  });
});

function writeKubeconfig(server: string): string {
  const path = join(newDir("kube"), "config");
  writeFileSync(path, kubeconfigText(server));
  return path;
}

function kubeconfigText(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {server: "${server}", insecure-skip-tls-verify: true}
- name: other
  cluster: {server: "http://127.0.0.1:1"}
users:
- name: stub
  user: {token: test}
contexts:
- name: stub
  context: {cluster: stub, user: stub}
- name: other
  context: {cluster: other, user: stub}
current-context: other
`;
}

describe("the Job log reader, against a stub Kubernetes API on 127.0.0.1", () => {
  let server: Server;
  const requests: string[] = [];
  const previous = process.env.KUBECONFIG;

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url!);
      const url = new URL(request.url!, "http://stub");
      if (url.pathname === "/api/v1/namespaces/dynamo-bench/pods") {
        const pod = (name: string, created: string) => ({ metadata: { name, namespace: "dynamo-bench", creationTimestamp: created } });
        // As text, "Sun Nov 01" sorts before "Wed Sep 30": the newest must be chosen by time.
        const items = [pod("bench-new", "2026-11-01T00:00:00Z"), pod("bench-old", "2026-09-30T23:00:00Z")];
        response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items }));
      } else if (url.pathname === "/api/v1/namespaces/dynamo-bench/pods/bench-new/log") {
        response
          .writeHead(200, { "content-type": "text/plain" })
          .end(`log of ${url.searchParams.get("container")}, limit ${url.searchParams.get("limitBytes")}\n`);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.KUBECONFIG = writeKubeconfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async () => {
    process.env.KUBECONFIG = previous;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("lists the Job's pods by label, and reads the newest pod's container log, bounded, in the stack's context", async () => {
    const log = await kubernetesJobLogs("stub").containerLog("dynamo-bench", "agg-8xtp2-benchmark-0a1b2c3d", "summary");
    assert.equal(log, `log of summary, limit ${16 * 1024 * 1024}\n`);
    assert.ok(requests.some((url) => decodeURIComponent(url).includes("labelSelector=job-name=agg-8xtp2-benchmark-0a1b2c3d")));
  });
});

/** The collector itself, which the test process is not started with. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe("an API server that accepts connections and never answers", () => {
  let silent: TcpServer;
  const sockets: Socket[] = [];
  let port = 0;
  const previous = process.env.KUBECONFIG;

  before(async () => {
    silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    port = (silent.address() as AddressInfo).port;
  });
  after(async () => {
    process.env.KUBECONFIG = previous;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  for (const scheme of ["http", "https"]) {
    test(`over ${scheme}, each request ends at its timeout, and the hook reports it instead of waiting`, async () => {
      process.env.KUBECONFIG = writeKubeconfig(`${scheme}://127.0.0.1:${port}`);
      // No wall-clock window is asserted: only that the read ends, and how.
      const logs = kubernetesJobLogs("stub", { requestTimeoutMs: 500, totalTimeoutMs: 600_000, maxLogBytes: 1024 });
      const read = logs.containerLog("dynamo-bench", "x", "summary");
      // A garbage collection while the request waits must not take its timeout with it (nodejs/node#57736).
      let settled = false;
      read.catch(() => undefined).finally(() => (settled = true));
      while (!settled) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        collectGarbage();
      }
      await assert.rejects(read, /the Kubernetes API did not answer within 0\.5 s/);

      const results = newDir("results");
      const { ok, printed } = await collect(results, logs, "agg", "agg", "cccccccc");
      assert.equal(ok, false);
      assert.match(printed, /Could not fetch the summary of benchmark run cccccccc \(the Kubernetes API did not answer within 0\.5 s\)/);
      assert.deepEqual(readdirSync(results), []);
    });
  }

  test("a legacy auth-provider command, which would block past any deadline, is refused before it runs", async () => {
    const kubeconfig = kubeconfigText(`http://127.0.0.1:${port}`).replace(
      "user: {token: test}",
      'user: {auth-provider: {name: gcp, config: {cmd-path: /bin/sleep, cmd-args: "600"}}}',
    );
    const path = join(newDir("kube"), "config");
    writeFileSync(path, kubeconfig);
    process.env.KUBECONFIG = path;
    const logs = kubernetesJobLogs("stub", { requestTimeoutMs: 600_000, totalTimeoutMs: 600_000, maxLogBytes: 1024 });
    await assert.rejects(
      logs.containerLog("dynamo-bench", "x", "summary"),
      /legacy auth-provider command \(cmd-path\), which cannot be time-limited/,
    );
  });

  test("the whole read has a deadline of its own, which a hung credential plugin cannot outlast", async () => {
    process.env.KUBECONFIG = writeKubeconfig(`http://127.0.0.1:${port}`);
    const logs = kubernetesJobLogs("stub", { requestTimeoutMs: 600_000, totalTimeoutMs: 500, maxLogBytes: 1024 });
    await assert.rejects(
      logs.containerLog("dynamo-bench", "x", "summary"),
      /reading the summary from the Kubernetes API took longer than 0\.5 s/,
    );
  });
});
