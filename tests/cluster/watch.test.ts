import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import { kube, startKubernetesStub, status, type KubernetesStub, type StubAnswer, type StubRoutes } from "../support/kubernetesStub";
import { runCli } from "../support/cli";
import { PYTHON } from "../support/python";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { openKubernetesApi } from "../../lib/kubernetesApi";
import { watchJob, type WatchLimits } from "../../cluster/watch/jobWatch";
import { parseProgressLine } from "../../cluster/watch/progressLine";
import { progressBar, watchCommand } from "../../cli/watch";

const NS = "/api/v1/namespaces/dynamo-bench";
const JOB = "disagg-router-6p-2d-benchmark-0a1b2c3d";
const JOB_PATH = `/apis/batch/v1/namespaces/dynamo-bench/jobs/${JOB}`;
const POD = `${JOB}-x7k2p`;
/** No wait to retry; and no stall, however slow the machine, but in the test that makes one. */
const FAST: WatchLimits = { requestTimeoutMs: 30_000, stallMs: 60_000, retryMs: 1, maxRetries: 5 };

const progress = (done: number, elapsed: string) =>
  `[2026-12-06T10:00:00Z] progress: ${done}/12031 requests (${((100 * done) / 12031).toFixed(1)}%), 2 errors, ` +
  `${elapsed} of 59:00 trace time, ` +
  "TTFT p50 812 ms, ITL p50 23.1 ms";
/** The aiperf container's log, with the API's timestamps (timestamps=true): two lines share a second. */
const LOG = [
  ["2026-12-06T10:00:01.100000000Z", "[2026-12-06T10:00:01Z] running: aiperf profile -m Qwen/Qwen3-32B"],
  ["2026-12-06T10:00:31.000000000Z", progress(500, "00:30")],
  ["2026-12-06T10:00:31.500000000Z", "[2026-12-06T10:00:31Z] server metrics: scrape 1 (during): 9 of 9 targets"],
  ["2026-12-06T10:01:01.000000000Z", progress(1234, "06:02")],
  ["2026-12-06T10:59:30.000000000Z", "[2026-12-06T10:59:30Z] aiperf exited with code 0"],
].map(([timestamp, line]) => `${timestamp} ${line}\n`);

interface Cluster {
  /** How the Job stands: running until the log has been read, then this. */
  outcome: "Complete" | "Failed";
  /** The answer to each log request in turn; the last one repeats. */
  logs: ((response: ServerResponse, sinceTime: string | null) => void)[];
  /** 400 "waiting to start" this many times first. */
  notStartedFor?: number;
  /** Becomes true once a log request ended the stream: then the container has terminated. */
  aiperfEnded?: boolean;
}

function jobBody(conditions: unknown[]) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: JOB, creationTimestamp: "2026-12-06T09:00:00Z" },
    status: { conditions },
  };
}

/** The API of a cluster where the Job replays, as the Cluster says. */
function clusterRoutes(cluster: Cluster, requests: { logs: number }): StubRoutes {
  return (url): StubAnswer | undefined => {
    if (url.pathname === "/apis/batch/v1/namespaces/dynamo-bench/jobs") {
      const other = { metadata: { name: "disagg-router-6p-2d-model-download", creationTimestamp: "2026-12-06T09:30:00Z" } };
      return kube.list("JobList", "batch/v1", [jobBody([]), other]);
    }
    if (url.pathname === JOB_PATH) {
      if (!cluster.aiperfEnded) return { status: 200, body: jobBody([]) };
      const condition =
        cluster.outcome === "Complete"
          ? { type: "Complete", status: "True" }
          : { type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
      return { status: 200, body: jobBody([condition]) };
    }
    if (url.pathname === `${NS}/pods` && url.searchParams.get("labelSelector") === `job-name=${JOB}`) {
      return kube.list("PodList", "v1", [{ metadata: { name: POD, creationTimestamp: "2026-12-06T09:00:05Z" } }]);
    }
    if (url.pathname === `${NS}/pods/${POD}`) {
      const terminated = cluster.aiperfEnded ? { terminated: { exitCode: 0 } } : { running: {} };
      return { status: 200, body: { metadata: { name: POD }, status: { initContainerStatuses: [{ name: "aiperf", state: terminated }] } } };
    }
    if (url.pathname === `${NS}/pods/${POD}/log`) {
      assert.equal(url.searchParams.get("container"), "aiperf");
      assert.equal(url.searchParams.get("follow"), "true");
      assert.equal(url.searchParams.get("timestamps"), "true");
      const index = requests.logs++;
      if (cluster.notStartedFor && index < cluster.notStartedFor) {
        return status(400, "BadRequest", `container "aiperf" in pod "${POD}" is waiting to start: PodInitializing`);
      }
      const answer = cluster.logs[Math.min(index - (cluster.notStartedFor ?? 0), cluster.logs.length - 1)];
      return {
        respond: (response) => answer(response.writeHead(200, { "content-type": "text/plain" }), url.searchParams.get("sinceTime")),
      };
    }
    return undefined;
  };
}

/** The lines from `sinceTime` (whole seconds, as the API takes it) on, and the end of the stream. */
const wholeLog =
  (cluster: Cluster, from = 0, to = LOG.length) =>
  (response: ServerResponse, sinceTime: string | null) => {
    const lines = LOG.slice(from, to).filter((line) => sinceTime === null || line.slice(0, 19) >= sinceTime.slice(0, 19));
    if (to === LOG.length) cluster.aiperfEnded = true;
    response.end(lines.join(""));
  };

describe("watch, against a stub Kubernetes API on 127.0.0.1", () => {
  let stub: KubernetesStub;
  const previous = process.env.KUBECONFIG;
  before(async () => {
    stub = await startKubernetesStub(() => undefined);
    process.env.KUBECONFIG = stub.kubeconfig;
  });
  after(async () => {
    process.env.KUBECONFIG = previous;
    await stub.close();
  });

  async function watch(cluster: Cluster, limits = FAST) {
    const requests = { logs: 0 };
    stub.routes = clusterRoutes(cluster, requests);
    const seen = { lines: [] as string[], progress: [] as number[], notices: [] as string[] };
    const api = await openKubernetesApi("stub");
    const outcome = await watchJob(
      api,
      "dynamo-bench",
      JOB,
      {
        line: (text) => seen.lines.push(text),
        progress: (each) => seen.progress.push(each.done),
        notice: (text) => seen.notices.push(text),
      },
      limits,
    );
    return { outcome, seen, requests };
  }

  test("follows the log to its end, passes progress apart from other lines, and returns the Job's outcome", async () => {
    const cluster: Cluster = { outcome: "Complete", logs: [] };
    cluster.logs.push(wholeLog(cluster));
    const { outcome, seen, requests } = await watch(cluster);
    assert.deepEqual(outcome, { succeeded: true });
    assert.deepEqual(seen.progress, [500, 1234]);
    assert.equal(seen.lines.length, 3);
    assert.match(seen.lines[2], /aiperf exited with code 0$/);
    assert.deepEqual(seen.notices, []);
    assert.equal(requests.logs, 1);
  });

  test("a dropped stream is opened again where it stopped: no line twice, none lost", async () => {
    const cluster: Cluster = { outcome: "Complete", logs: [] };
    cluster.logs.push((response) => {
      response.write(LOG.slice(0, 3).join(""));
      response.socket?.destroy();
    });
    cluster.logs.push(wholeLog(cluster));
    const { outcome, seen, requests } = await watch(cluster);
    assert.deepEqual(outcome, { succeeded: true });
    assert.deepEqual(seen.progress, [500, 1234]);
    assert.equal(seen.lines.length, 3, seen.lines.join("\n"));
    assert.equal(requests.logs, 2);
    assert.equal(seen.notices.length, 1);
    assert.match(seen.notices[0], /^the log stream dropped \(.*\); trying again in 0\.001 s \(1\)$/);
  });

  test("a stream that stalls is dropped after stallMs and opened again; a stream that ends early is opened again", async () => {
    const cluster: Cluster = { outcome: "Complete", logs: [] };
    cluster.logs.push((response) => void response.write(LOG[0])); // then silence
    cluster.logs.push((response) => void response.end(LOG[1])); // ends while the replay runs
    cluster.logs.push(wholeLog(cluster));
    const { seen, requests } = await watch(cluster, { ...FAST, stallMs: 150 });
    // A slow machine may stall the last stream too: what must hold is every line once, and the two notices first.
    assert.ok(requests.logs >= 3);
    assert.deepEqual(seen.progress, [500, 1234]);
    assert.equal(seen.lines.length, 3);
    assert.match(seen.notices[0], /^the log stream dropped \(no log line for 0\.15 s\)/);
    assert.match(seen.notices[1], /^the log stream ended while the replay runs/);
  });

  test("a replay not yet started is waited for; a failed Job is its outcome, with the reason", async () => {
    const cluster: Cluster = { outcome: "Failed", logs: [], notStartedFor: 3 };
    cluster.logs.push(wholeLog(cluster));
    const { outcome, seen } = await watch(cluster);
    assert.deepEqual(outcome, { succeeded: false, reason: "BackoffLimitExceeded: Job has reached the specified backoff limit" });
    assert.equal(seen.notices.filter((notice) => notice.startsWith("the replay has not started yet")).length, 3);
  });

  test("an API that keeps failing is given up on after maxRetries tries in a row, saying the Job runs on", async () => {
    const requests = { logs: 0 };
    stub.routes = () => status(500, "InternalError", "etcdserver: request timed out");
    void requests;
    const api = await openKubernetesApi("stub");
    const notices: string[] = [];
    await assert.rejects(
      watchJob(api, "dynamo-bench", JOB, { line: () => {}, progress: () => {}, notice: (text) => notices.push(text) }, FAST),
      /gave up after 5 tries in a row \(last: the Kubernetes API failed \(500: etcdserver: request timed out\)\); the Job itself runs on/,
    );
    assert.equal(notices.length, 5);
  });

  test("the command: plain lines when piped, exit 0 for a Job that succeeded, and the command that pulls its results", async () => {
    const cluster: Cluster = { outcome: "Complete", logs: [] };
    cluster.logs.push(wholeLog(cluster));
    stub.routes = clusterRoutes(cluster, { logs: 0 });
    const { status: code, stdout, stderr } = await runCli(["watch", "-s", "disagg", "--context", "stub"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, new RegExp(`^Watching Job ${JOB} in namespace dynamo-bench; Ctrl-C stops the watch, not the Job\\.\n`));
    assert.match(stderr, /Job \S+ succeeded\. Its results: npx dynamo-bench results pull -s disagg --run 0a1b2c3d\n$/);
    assert.equal(
      stdout,
      [
        "[2026-12-06T10:00:01Z] running: aiperf profile -m Qwen/Qwen3-32B",
        "progress: 500/12,031 4% · 00:30 of 59:00 · 2 errors · TTFT p50 812 ms · ITL p50 23.1 ms",
        "[2026-12-06T10:00:31Z] server metrics: scrape 1 (during): 9 of 9 targets",
        "progress: 1,234/12,031 10% · 06:02 of 59:00 · 2 errors · TTFT p50 812 ms · ITL p50 23.1 ms",
        "[2026-12-06T10:59:30Z] aiperf exited with code 0",
        "",
      ].join("\n"),
    );
  });

  test("the command on a terminal redraws one progress bar, with the other lines above it; a failed Job exits 1", async () => {
    const cluster: Cluster = { outcome: "Failed", logs: [] };
    cluster.logs.push(wholeLog(cluster));
    stub.routes = clusterRoutes(cluster, { logs: 0 });
    let out = "";
    let err = "";
    const code = await watchCommand(
      { stack: "disagg", context: "stub" },
      { out: (text) => (out += text), err: (text) => (err += text), isTerminal: true },
    );
    assert.equal(code, 1);
    assert.match(
      err,
      /Job \S+ failed: BackoffLimitExceeded: Job has reached the specified backoff limit\nWhat to do: docs\/during-a-run\.md/,
    );
    const bar = progressBar(parseProgressLine(progress(1234, "06:02"))!);
    assert.ok(out.includes(`\r\x1b[2K[2026-12-06T10:00:31Z] server metrics`), "a line clears the bar, and is printed in its place");
    assert.ok(out.endsWith(`\r\x1b[2K[2026-12-06T10:59:30Z] aiperf exited with code 0\n${bar}\n`), JSON.stringify(out.slice(-300)));
  });

  test("--run names a Job that is not there, or there is no benchmark Job: one line each", async () => {
    stub.routes = (url) => (url.pathname.endsWith("/jobs") ? kube.list("JobList", "batch/v1", []) : undefined);
    const none = await runCli(["watch", "-s", "disagg", "--context", "stub"]);
    assert.equal(none.status, 1);
    assert.equal(
      none.stderr,
      "error: no benchmark Job of graph disagg-router-6p-2d in namespace dynamo-bench: has `pulumi up` started one?\n",
    );
    const missing = await runCli(["watch", "-s", "disagg", "--context", "stub", "--run", "ffffffff"]);
    assert.equal(missing.stderr, "error: --run: there is no Job disagg-router-6p-2d-benchmark-ffffffff in namespace dynamo-bench\n");
    const hostile = await runCli(["watch", "-s", "disagg", "--run", "../x"]);
    assert.equal(hostile.status, 1);
    assert.match(hostile.stderr, /^error: --run: a run id has /);
  });

  test("an API server that cannot be reached: one line, not the network's stack", async () => {
    // The stub kubeconfig's other context, "elsewhere", is http://127.0.0.1:1, where nothing listens.
    const refused = await runCli(["watch", "-s", "disagg", "--context", "elsewhere"]);
    assert.equal(refused.status, 1);
    assert.equal(
      refused.stderr,
      "error: cannot look up the benchmark Job in namespace dynamo-bench: the API server refused the connection\n",
    );
  });

  test("lines without the API's timestamps, and out of order, are all shown; a stream with no newline is cut, not held", async () => {
    const cluster: Cluster = { outcome: "Complete", logs: [] };
    cluster.logs.push((response) => {
      cluster.aiperfEnded = true;
      response.write("starting aiperf\n2026-12-06T10:00:05Z five\n2026-12-06T10:00:03Z three\n");
      response.write("y".repeat(200 * 1024));
      response.end("\n2026-12-06T10:00:06Z six\n");
    });
    const { seen } = await watch(cluster);
    assert.deepEqual(seen.lines.slice(0, 3), ["starting aiperf", "five", "three"]);
    assert.match(seen.lines[3], /^y{65536}… \(a line of more than 65536 characters, cut\)$/);
    assert.equal(seen.lines.at(-1), "six");
  });
});

test("the progress bar: how far, against the schedule, with the latencies", () => {
  const parsed = parseProgressLine(progress(6_016, "29:30"))!;
  assert.equal(progressBar(parsed, 10), "[█████░░░░░] 6,016/12,031 50% · 29:30 of 59:00 · 2 errors · TTFT p50 812 ms · ITL p50 23.1 ms");
  assert.equal(parseProgressLine("[t] progress: 3 of the way"), undefined);
  const line = progress(10, "00:10");
  assert.equal(parseProgressLine(`[aiperf] WARNING something ${line.slice(line.indexOf("progress:"))}`), undefined, "not at the start");
  assert.equal(parseProgressLine(line.replace("10/12031", `${"9".repeat(400)}/12031`)), undefined, "a count past 2^53");
  assert.equal(parseProgressLine(line.replace("812 ms", "1.2.3 ms")), undefined);
  assert.equal(parseProgressLine(line.replace("00:10 of", "99999999:00:10 of")), undefined, "a clock of 11,000 years");
});

test("watch reads the line the benchmark Job prints (observe.py), as it prints it", () => {
  const line = execFileSync(
    PYTHON,
    [
      "-c",
      "import observe\np = observe.Progress(12031, 3725)\np.done, p.errors, p.first_start_ns = 4000, 1, 0\nprint(p.line(3_600 * 10**9))",
    ],
    {
      env: { PYTHONPATH: join(PROJECT_ROOT, "stack", "builders", "scripts"), PYTHONDONTWRITEBYTECODE: "1", PATH: process.env.PATH },
      encoding: "utf8",
    },
  );
  assert.deepEqual(parseProgressLine(line.trim()), {
    done: 4000,
    expected: 12031,
    errors: 1,
    elapsedSeconds: 3600,
    spanSeconds: 3725,
    ttftP50Ms: null,
    itlP50Ms: null,
  });
});
