import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "../config/stackConfig";
import { summaryBundle } from "../builders/summaryBundle";
import { collectRunSummary } from "../postRun/collectRunSummary";
import { benchmarkSummaryCallback } from "../postRun/hook";
import { kubernetesJobLogs, type JobLogReader } from "../postRun/jobLogs";
import { artifactDir, FIVE_REQUESTS, recordLine } from "./support/aiperfArtifacts";

const bundlePath = join(mkdtempSync(join(tmpdir(), "dynamo-bench-bundle-")), "summarize.js");
writeFileSync(bundlePath, summaryBundle());

/** What the summary container prints for a run: the real bundle, run on an aiperf-format directory. */
function summaryContainerLog(ttftScale = 1): string {
  const specs = FIVE_REQUESTS.map((r) => ({ ...r, ttft: r.ttft && r.ttft * ttftScale }));
  const dir = artifactDir(specs.map(recordLine).join("\n") + "\n");
  return execFileSync(process.execPath, [bundlePath, dir, "time_to_first_token:1000 inter_token_latency:30"], { encoding: "utf8" });
}

function reader(log: string | Error): JobLogReader {
  return {
    async containerLog() {
      if (log instanceof Error) throw log;
      return log;
    },
  };
}

function collect(resultsRoot: string, logs: JobLogReader, stack: string, variant: "agg" | "disagg", runId: string) {
  const printed: string[] = [];
  const done = collectRunSummary({
    run: { stack, variant, runId, jobName: `${stack}-benchmark-${runId}` },
    namespace: "dynamo-bench",
    resultsRoot,
    logs,
    retrievalCommand: "mkdir -p results && kubectl run fetch …",
    print: (text) => printed.push(text),
  });
  return done.then((ok) => ({ ok, printed: printed.join("\n") }));
}

describe("after the benchmark Job completes", () => {
  test("its summary is saved under results/<stack>/<run-id>/ and printed", async () => {
    const results = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    const { ok, printed } = await collect(results, reader(summaryContainerLog()), "agg", "agg", "11111111");
    assert.equal(ok, true);
    const saved = JSON.parse(readFileSync(join(results, "agg", "11111111", "summary.json"), "utf8"));
    assert.deepEqual(saved.requests, { total: 6, succeeded: 5, failed: 1, skippedLines: 0 });
    assert.deepEqual(JSON.parse(readFileSync(join(results, "agg", "11111111", "run.json"), "utf8")), {
      stack: "agg", variant: "agg", runId: "11111111", jobName: "agg-benchmark-11111111",
    });
    assert.match(printed, /Benchmark run 11111111 of stack agg, saved in .*results-.*\/agg\/11111111/);
    assert.match(printed, /\| Time to first token \| ms \| 500\.00 \|/);
  });

  test("with the other stack's latest run saved, it prints the comparison, agg as the baseline", async () => {
    const results = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    await collect(results, reader(summaryContainerLog()), "agg", "agg", "11111111");
    const { printed } = await collect(results, reader(summaryContainerLog(0.5)), "disagg", "disagg", "22222222");
    assert.match(printed, /agg \(baseline\) vs disagg \(candidate\)/);
    assert.match(printed, /Time to first token p50 \(ms\)\s+300\.00\s+150\.00\s+-50\.0%\s+0\.500×/);
    for (const file of ["comparison-vs-agg.md", "comparison-vs-agg.html"]) {
      assert.ok(existsSync(join(results, "disagg", "22222222", file)), file);
    }
  });

  test("a failure to fetch never throws: it says so and prints the commands that do it by hand", async () => {
    for (const logs of [reader(new Error("connection refused")), reader("aiperf crashed before the summary\n")]) {
      const results = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
      const { ok, printed } = await collect(results, logs, "agg", "agg", "33333333");
      assert.equal(ok, false);
      assert.match(printed, /Could not fetch the summary of benchmark run 33333333 \(.+\)\. The run itself is unaffected\./);
      assert.match(printed, /kubectl logs -n dynamo-bench job\/agg-benchmark-33333333 -c summary/);
      assert.match(printed, /Its full artifacts: mkdir -p results && kubectl run fetch/);
      assert.ok(!existsSync(join(results, "agg", "33333333", "summary.json")));
    }
  });
});

describe("the resource hook", () => {
  const config = parseStackConfig({ variant: "disagg" }, "test");
  const jobOutputs = {
    metadata: { name: "disagg-router-6p-2d-benchmark-44444444", namespace: "dynamo-bench" },
    spec: { template: { metadata: { labels: { "dynamo-bench/run-id": "44444444" } } } },
  };
  const hookArgs = { urn: "urn", id: "id", name: "benchmark-job", type: "kubernetes:batch/v1:Job", newOutputs: jobOutputs };

  test("reads the run from the Job it ran after, and saves that run's summary", async () => {
    const resultsRoot = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    const printed: string[] = [];
    const callback = benchmarkSummaryCallback(config, "disagg", { logs: reader(summaryContainerLog()), resultsRoot, print: (t) => printed.push(t) });
    await callback(hookArgs);
    assert.ok(existsSync(join(resultsRoot, "disagg", "44444444", "summary.json")));
  });

  test("when `pulumi up` did not wait, it prints where the summary will be", async () => {
    const printed: string[] = [];
    const noWait = parseStackConfig({ variant: "disagg", benchmark: { wait: false } }, "test");
    await benchmarkSummaryCallback(noWait, "disagg", { logs: reader(new Error("must not be read")), print: (t) => printed.push(t) })(hookArgs);
    assert.match(printed.join(""), /did not wait for it \(benchmark\.wait: false\)[\s\S]*kubectl logs -n dynamo-bench job\/disagg-router-6p-2d-benchmark-44444444 -c summary/);
  });
});

describe("the Job log reader, against a stub Kubernetes API on 127.0.0.1", () => {
  let server: Server;
  const requests: string[] = [];
  let kubeconfig = "";
  const previous = process.env.KUBECONFIG;

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url!);
      const url = new URL(request.url!, "http://stub");
      if (url.pathname === "/api/v1/namespaces/dynamo-bench/pods") {
        const pod = (name: string, created: string) => ({ metadata: { name, namespace: "dynamo-bench", creationTimestamp: created } });
        // As text, "Sun Nov 01" sorts before "Wed Sep 30": the newest must be chosen by time.
        const items = [pod("bench-new", "2026-11-01T00:00:00Z"), pod("bench-old", "2026-09-30T23:00:00Z")];
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items }));
      } else if (url.pathname === "/api/v1/namespaces/dynamo-bench/pods/bench-new/log") {
        response.writeHead(200, { "content-type": "text/plain" }).end(`log of ${url.searchParams.get("container")}\n`);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    kubeconfig = join(mkdtempSync(join(tmpdir(), "dynamo-bench-kube-")), "config");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}
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
`,
    );
    process.env.KUBECONFIG = kubeconfig;
  });
  after(async () => {
    process.env.KUBECONFIG = previous;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("lists the Job's pods by label, and reads the newest pod's container log, in the stack's context", async () => {
    const log = await kubernetesJobLogs("stub").containerLog("dynamo-bench", "agg-8xtp2-benchmark-0a1b2c3d", "summary");
    assert.equal(log, "log of summary\n");
    assert.ok(requests.some((url) => decodeURIComponent(url).includes("labelSelector=job-name=agg-8xtp2-benchmark-0a1b2c3d")));
  });
});
