import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKubernetesStub, status, type KubernetesStub } from "../support/kubernetesStub";
import { readerCluster, type FakeVolume, type ReaderClusterOptions } from "../support/resultsReaderCluster";
import { runCli } from "../support/cli";
import { PYTHON } from "../support/python";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { readRunFile } from "../../analysis/runs/runFile";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { summaryFiles } from "../../analysis/summary/summaryFiles";
import { parseGoodput } from "../../domain/slos";
import { RECIPE_GOODPUT } from "../../domain/recipeSlos";
import { RESULTS_READER_SCRIPT_FILE } from "../../stack/clusterScriptFiles";
import { buildResultsReaderPod } from "../../stack/builders/resultsReaderPod";
import { stackConfigFromFile } from "../../stack/config/stackFile";

const SAMPLE = join(PROJECT_ROOT, "examples", "agg-sample");
const RECORDS = readFileSync(join(SAMPLE, "profile_export.jsonl"));
const AGGREGATE = readFileSync(join(SAMPLE, "profile_export_aiperf.json"));
const NEWEST = "0a1b2c3d";
const OLDER = "9f8e7d6c";
const JUNE_2025 = 1_750_000_000;

describe("results pull and list, against a stub Kubernetes API on 127.0.0.1 with a fake reader pod", () => {
  let stub: KubernetesStub;
  let results: string;
  let summary: Record<string, string>;
  const previousKubeconfig = process.env.KUBECONFIG;

  /** Two runs of agg on the volume: the newest succeeded with its summary; the older timed out and left none. */
  function volume(): FakeVolume {
    return {
      [OLDER]: {
        modifiedAt: JUNE_2025,
        exitCode: "124",
        files: { "profile_export.jsonl": RECORDS, "aiperf-exit-code": Buffer.from("124\n") },
      },
      [NEWEST]: {
        modifiedAt: JUNE_2025 + 86_400,
        exitCode: "0",
        files: {
          "profile_export.jsonl": RECORDS,
          "profile_export_aiperf.json": AGGREGATE,
          "logs/aiperf.log": Buffer.from("aiperf log\n"),
          "aiperf-exit-code": Buffer.from("0\n"),
          "summary.json": Buffer.from(summary["summary.json"]),
          "summary.md": Buffer.from(summary["summary.md"]),
        },
      },
    };
  }

  async function command(cluster: { routes: KubernetesStub["routes"] }, ...args: string[]) {
    stub.routes = cluster.routes;
    stub.requests.length = 0;
    return runCli(["results", ...args, "-s", "agg", "--context", "stub", "--results-dir", results]);
  }
  const pull = (cluster: { routes: KubernetesStub["routes"] }, ...args: string[]) => command(cluster, "pull", ...args);
  const runDir = (runId: string) => join(results, "agg", runId);
  /** Every file under a directory, relative to it, hidden ones too. */
  const filesUnder = (dir: string): string[] =>
    existsSync(dir)
      ? (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
          .filter((entry) => !entry.isDirectory())
          .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
          .sort()
      : [];
  /** The API requests that change anything: only the reader pod's creation and deletion. */
  const writes = () => stub.requests.filter((request) => !request.startsWith("GET "));

  before(async () => {
    stub = await startKubernetesStub(() => undefined);
    process.env.KUBECONFIG = stub.kubeconfig;
    const made = await summarizeRun(SAMPLE, parseGoodput(RECIPE_GOODPUT));
    summary = summaryFiles(SAMPLE, made.summary, made.provenance) as unknown as Record<string, string>;
  });
  beforeEach(() => {
    results = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
  });
  afterEach(() => rmSync(results, { recursive: true, force: true }));
  after(async () => {
    process.env.KUBECONFIG = previousKubeconfig;
    await stub.close();
  });

  test("pulls the newest run, says which and when, saves the hook's layout with artifacts/, and deletes its reader pod", async () => {
    const cluster = readerCluster(volume());
    const { status: code, stdout, stderr } = await pull(cluster);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^Run 0a1b2c3d of stack agg \(the newest of 2\), last written 2025-06-16 15:06 UTC: succeeded\n/);
    assert.match(stderr, /Copied 6 files \(21\d\.\d KiB\), 0 already there; its summary from the volume\.\n$/);
    assert.equal(stdout, `${runDir(NEWEST)}\n`);
    assert.deepEqual(filesUnder(runDir(NEWEST)), [
      "artifacts/aiperf-exit-code",
      "artifacts/logs/aiperf.log",
      "artifacts/profile_export.jsonl",
      "artifacts/profile_export_aiperf.json",
      "artifacts/summary.json",
      "artifacts/summary.md",
      "run.json",
      "summary.json",
      "summary.md",
    ]);
    assert.deepEqual(readFileSync(join(runDir(NEWEST), "artifacts", "profile_export.jsonl")), RECORDS);
    assert.equal(readFileSync(join(runDir(NEWEST), "summary.json"), "utf8"), summary["summary.json"]);
    const run = readRunFile(runDir(NEWEST));
    assert.ok(run && !("problem" in run));
    assert.deepEqual(
      { ...run, savedAt: undefined },
      {
        kind: "dynamo-bench run",
        schemaVersion: 1,
        stack: "agg",
        variant: "agg",
        runId: NEWEST,
        jobName: `agg-8xtp2-benchmark-${NEWEST}`,
        savedAt: undefined,
      },
    );
    const [pod] = cluster.created;
    assert.deepEqual(
      pod,
      buildResultsReaderPod(stackConfigFromFile(join(PROJECT_ROOT, "Pulumi.agg.yaml")), {
        podName: pod.metadata.name,
        stack: "agg",
        deadlineSeconds: 1860,
        script: readFileSync(RESULTS_READER_SCRIPT_FILE, "utf8"),
      }),
      "the pod is the pure builder's",
    );
    assert.deepEqual(cluster.deleted, [pod.metadata.name]);
    assert.deepEqual(writes(), [
      "POST /api/v1/namespaces/dynamo-bench/pods",
      `DELETE /api/v1/namespaces/dynamo-bench/pods/${pod.metadata.name}?gracePeriodSeconds=1`,
    ]);

    const again = await pull(readerCluster(volume()), "--run", NEWEST);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /Copied 0 files \(0 bytes\), 6 already there; its summary already saved\./);
  });

  test("a failed run without a summary on the volume is summarized here and saved as a run that did not succeed", async () => {
    const { status: code, stderr } = await pull(readerCluster(volume()), "--run", OLDER);
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /Run 9f8e7d6c of stack agg \(as asked\), last written 2025-06-15 15:06 UTC: failed with aiperf exit code 124 \(stopped at the run's/,
    );
    assert.match(stderr, /summarizing its artifacts here instead/);
    assert.match(stderr, /its summary summarized here\.\n$/);
    const run = readRunFile(runDir(OLDER));
    assert.ok(run && !("problem" in run));
    assert.equal(run.failure, "failed with aiperf exit code 124 (stopped at the run's time limit)");
    assert.match(readFileSync(join(runDir(OLDER), "summary.md"), "utf8"), /aiperf run 9f8e7d6c/);
  });

  test("adds artifacts/ to a run `pulumi up` saved, writing over none of its files", async () => {
    mkdirSync(runDir(NEWEST), { recursive: true });
    writeFileSync(join(runDir(NEWEST), "summary.json"), summary["summary.json"]);
    writeFileSync(join(runDir(NEWEST), "summary.md"), "the hook's own\n");
    const hookRecord = { kind: "dynamo-bench run", schemaVersion: 1, stack: "agg", variant: "agg", runId: NEWEST, jobName: "j" };
    const hookRun = `${JSON.stringify({ ...hookRecord, savedAt: "2025-06-16T15:00:00.000Z" })}\n`;
    writeFileSync(join(runDir(NEWEST), "run.json"), hookRun);
    const { status: code, stderr } = await pull(readerCluster(volume()));
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(join(runDir(NEWEST), "run.json"), "utf8"), hookRun);
    assert.equal(readFileSync(join(runDir(NEWEST), "summary.md"), "utf8"), "the hook's own\n");
    assert.ok(existsSync(join(runDir(NEWEST), "artifacts", "profile_export.jsonl")));
  });

  test("resumes after a connection dropped mid-file: files already copied are kept, the cut one is fetched again", async () => {
    let drops = 1;
    const dropping = readerCluster(volume(), {
      readerAnswer: (path) =>
        path.endsWith("/files/profile_export.jsonl") && drops-- > 0
          ? {
              respond: (response) => {
                response.writeHead(200, { "content-length": RECORDS.length });
                response.write(RECORDS.subarray(0, 1000), () => response.socket?.destroy());
              },
            }
          : undefined,
    });
    const first = await pull(dropping, "--request-timeout", "0.3");
    assert.equal(first.status, 1);
    assert.match(first.stderr, /error: profile_export\.jsonl: nothing came for 0\.3 s after 1000 of \d+ bytes; pull again to resume\n$/);
    assert.ok(readdirSync(runDir(NEWEST)).includes(".pull-in-progress"));
    assert.ok(!existsSync(join(runDir(NEWEST), "run.json")), "no run.json until the pull is complete");
    assert.deepEqual(dropping.deleted, [dropping.created[0].metadata.name]);

    const second = await pull(readerCluster(volume()));
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /Copied 3 files \(21\d\.\d KiB\), 3 already there/);
    assert.deepEqual(readFileSync(join(runDir(NEWEST), "artifacts", "profile_export.jsonl")), RECORDS);
    assert.ok(!existsSync(join(runDir(NEWEST), ".pull-in-progress")));
    assert.ok(filesUnder(runDir(NEWEST)).every((file) => !file.endsWith("-partial")));
  });

  test("a file whose bytes do not match the listed sha256 is not kept", async () => {
    const cluster = readerCluster(volume(), {
      readerAnswer: (path) =>
        path.endsWith("/files/logs/aiperf.log") ? { respond: (response) => response.writeHead(200).end("aiperf LOG\n") } : undefined,
    });
    const { status: code, stderr } = await pull(cluster);
    assert.equal(code, 1);
    assert.match(stderr, /error: logs\/aiperf\.log: its sha256 is [0-9a-f]{64}, not the [0-9a-f]{64} listed; it was not kept/);
    assert.deepEqual(readdirSync(join(runDir(NEWEST), "artifacts", "logs")), []);
    assert.equal(cluster.deleted.length, 1);
  });

  test("a file over --max-file-size, or a run over --max-total-size, is refused before anything is written", async () => {
    const tooLarge = await pull(readerCluster(volume()), "--max-file-size", "100Ki");
    assert.equal(tooLarge.status, 1);
    assert.match(tooLarge.stderr, /error: profile_export\.jsonl is 21\d\.\d KiB, over --max-file-size 100 KiB; nothing was copied\n/);
    const total = await pull(readerCluster(volume()), "--max-total-size", "200k");
    assert.match(total.stderr, /error: run 0a1b2c3d is 21\d\.\d KiB, over --max-total-size 195\.3 KiB; nothing was copied\n/);
    assert.deepEqual(readdirSync(results), []);
    const badSize = await pull(readerCluster(volume()), "--max-file-size", "lots");
    assert.match(badSize.stderr, /^error: --max-file-size: give a size such as 512Mi or 20Gi\n/);
  });

  test("silence ends a request at --request-timeout, a file that drips ends at --deadline; the pod is deleted either way", async () => {
    const silent = readerCluster(volume(), { readerAnswer: (path) => (path.endsWith("/listing") ? "silence" : undefined) });
    const quiet = await pull(silent, "--request-timeout", "0.2");
    assert.equal(quiet.status, 1);
    assert.match(quiet.stderr, /error: the Kubernetes API did not answer within 0\.2 s\n/);
    assert.equal(silent.deleted.length, 1);

    const stalled = readerCluster(volume(), {
      readerAnswer: (path) =>
        path.endsWith("/files/logs/aiperf.log")
          ? { respond: (response) => void response.writeHead(200, { "content-length": 11 }).write("aiperf") }
          : undefined,
    });
    // Long enough that, on a busy machine, the requests before the stalled file still answer within it.
    const stall = await pull(stalled, "--request-timeout", "3");
    assert.match(stall.stderr, /error: logs\/aiperf\.log: nothing came for 3 s after 6 of 11 bytes; pull again to resume\n/);
    assert.equal(stalled.deleted.length, 1);

    const dripping = readerCluster(volume(), {
      readerAnswer: (path) =>
        path.endsWith("/files/profile_export.jsonl")
          ? {
              respond: (response) => {
                response.writeHead(200, { "content-length": RECORDS.length });
                const timer = setInterval(() => response.write("x"), 10);
                response.on("close", () => clearInterval(timer));
              },
            }
          : undefined,
    });
    const slow = await pull(dripping, "--deadline", "0.5");
    assert.equal(slow.status, 1);
    assert.match(slow.stderr, /error: took longer than --deadline 0\.5 s; pull again to resume\n$/);
    assert.equal(dripping.deleted.length, 1);
  });

  test("the API's refusals are one line each: 401, 403 with the permissions needed, 404, 500", async () => {
    const refusing = (code: number, reason: string, message: string): ReaderClusterOptions => ({
      apiAnswer: (method, path) => (method === "POST" && path.endsWith("/pods") ? status(code, reason, message) : undefined),
    });
    const cases: [ReaderClusterOptions, RegExp][] = [
      [refusing(401, "Unauthorized", "Unauthorized"), /^error: the API server refused the credentials \(401\)\n$/],
      [
        refusing(403, "Forbidden", 'pods is forbidden: User "dev" cannot create resource "pods"'),
        new RegExp(
          '^error: forbidden \\(403\\): pods is forbidden: User "dev" cannot create resource "pods"; ' +
            "the reader pod needs create, get, list and delete on pods, and get on pods/proxy, in namespace dynamo-bench\n$",
        ),
      ],
      [
        refusing(404, "NotFound", 'namespaces "dynamo-bench" not found'),
        /^error: the API server answered 404: namespaces "dynamo-bench" not found\n$/,
      ],
      [
        {
          apiAnswer: (method, path) =>
            method === "GET" && /pods\/[a-z0-9-]+$/.test(path) ? status(500, "InternalError", "etcd is down") : undefined,
        },
        /^error: the API server answered 500: etcd is down\n$/,
      ],
    ];
    for (const [options, expected] of cases) {
      const cluster = readerCluster(volume(), options);
      const { status: code, stderr } = await pull(cluster);
      assert.equal(code, 1);
      assert.match(stderr, expected);
      assert.ok(
        cluster.created.every((pod) => cluster.deleted.includes(pod.metadata.name)),
        "a created pod is deleted",
      );
      assert.equal(cluster.deleted.length, 1, "the pod is deleted even when its creation failed, in case it was made");
    }
    assert.deepEqual(readdirSync(results), []);
  });

  test("a pod that never gets ready is waited for --start-timeout, with what holds it, then deleted", async () => {
    const pending = readerCluster(volume(), {
      podStatus: () => ({
        phase: "Pending",
        containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "python:3.11"' } } }],
      }),
    });
    const { status: code, stderr } = await pull(pending, "--start-timeout", "0.3");
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        "^error: the reader pod dynamo-bench-results-[0-9a-f]{8} was not ready within 0\\.3 s " +
          '\\(Pending, ImagePullBackOff: Back-off pulling image "python:3\\.11"\\); raise --start-timeout',
      ),
    );
    assert.deepEqual(pending.deleted, [pending.created[0].metadata.name]);
    const failed = readerCluster(volume(), {
      podStatus: () => ({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active too long" }),
    });
    assert.match((await pull(failed)).stderr, /stopped before it served anything \(Failed, DeadlineExceeded: Pod was active too long\)/);
  });

  test("--run that is not on the volume names the runs that are; a run with no exit code is refused unless --incomplete", async () => {
    const missing = await pull(readerCluster(volume()), "--run", "deadbeef");
    assert.equal(missing.status, 1);
    assert.match(
      missing.stderr,
      /error: --run deadbeef: no such run of stack agg on the perf-cache volume; its runs there: 0a1b2c3d, 9f8e7d6c\n/,
    );
    const empty = await pull(readerCluster({}));
    assert.match(empty.stderr, /error: the perf-cache volume holds no run of stack agg\n/);

    const running = volume();
    running[NEWEST].exitCode = null;
    delete running[NEWEST].files["aiperf-exit-code"];
    const refused = await pull(readerCluster(running));
    assert.match(
      refused.stderr,
      /running or incomplete \(no exit code yet\)\nerror: run 0a1b2c3d has recorded no exit code yet: .* add --incomplete/,
    );
    assert.deepEqual(readdirSync(results), []);
    const taken = await pull(readerCluster(running), "--incomplete");
    assert.equal(taken.status, 0, taken.stderr);
    const run = readRunFile(runDir(NEWEST));
    assert.ok(run && !("problem" in run));
    assert.match(run.failure ?? "", /^no aiperf exit code was recorded/);
  });

  test("a listing that names a path outside the run is refused whole; a symbolic link on the volume is named and not copied", async () => {
    for (const [path, why] of [
      ["../escape", "climbs out or is empty"],
      ["/etc/passwd", "is an absolute path"],
      ["logs/../../x", "climbs out or is empty"],
      ["x.dynamo-bench-partial", "the pull's own temporary name"],
    ]) {
      const hostile = readerCluster(volume(), {
        readerAnswer: (request) =>
          request.endsWith("/listing")
            ? { status: 200, body: { runId: NEWEST, files: [{ type: "file", path, size: 1, sha256: "0".repeat(64) }] } }
            : undefined,
      });
      const { status: code, stderr } = await pull(hostile);
      assert.equal(code, 1);
      assert.ok(
        stderr.includes(
          `error: the reader pod's listing of run ${NEWEST} is not what was expected (files.0.path: ${JSON.stringify(path)} `,
        ),
        stderr,
      );
      assert.ok(stderr.includes(why), stderr);
      assert.deepEqual(readdirSync(results), []);
    }
    const linked = volume();
    linked[NEWEST].files["logs/secrets"] = { symlink: "/etc" };
    const { status: code, stderr } = await pull(readerCluster(linked));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /note: not copied: "logs\/secrets", a symbolic link\n/);
    assert.ok(!existsSync(join(runDir(NEWEST), "artifacts", "logs", "secrets")));
  });

  test("writes nothing through a symbolic link in results/, and never over a file that differs", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "dynamo-bench-elsewhere-"));
    try {
      symlinkSync(elsewhere, join(results, "agg"));
      const through = await pull(readerCluster(volume()));
      assert.equal(through.status, 1);
      assert.match(through.stderr, /error: .*\/agg is a symbolic link; nothing is written through it\n/);
      assert.deepEqual(readdirSync(elsewhere), []);
      rmSync(join(results, "agg"));

      mkdirSync(join(runDir(NEWEST), "artifacts", "logs"), { recursive: true });
      writeFileSync(join(runDir(NEWEST), ".pull-in-progress"), "{}\n");
      symlinkSync(join(elsewhere, "planted"), join(runDir(NEWEST), "artifacts", "logs", "aiperf.log"));
      const planted = await pull(readerCluster(volume()));
      assert.match(
        planted.stderr,
        /artifacts\/logs\/aiperf\.log is already there and is not the run's logs\/aiperf\.log; it is never written over/,
      );
      assert.deepEqual(readdirSync(elsewhere), []);

      rmSync(results, { recursive: true });
      mkdirSync(join(runDir(NEWEST)), { recursive: true });
      writeFileSync(join(runDir(NEWEST), "notes.txt"), "mine\n");
      const unknown = await pull(readerCluster(volume()));
      assert.match(unknown.stderr, /holds files that no pull or `pulumi up` saved as a run; move it away, then pull again\n/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("a reader pod an earlier command left, stopped at its deadline, is deleted first", async () => {
    const stray = { metadata: { name: "dynamo-bench-results-00000000" }, status: { phase: "Failed", reason: "DeadlineExceeded" } };
    const cluster = readerCluster(volume(), { strayPods: [stray] });
    const { status: code, stderr } = await pull(cluster);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^note: deleting dynamo-bench-results-00000000, a reader pod an earlier command left \(Failed\)\n/);
    assert.deepEqual(cluster.deleted, ["dynamo-bench-results-00000000", cluster.created[0].metadata.name]);
  });

  test("Ctrl-C mid-file deletes the reader pod, keeps what was copied, and exits 130", async () => {
    const cluster = readerCluster(volume(), {
      readerAnswer: (path) =>
        path.endsWith("/files/profile_export.jsonl") ? { respond: (response) => void response.writeHead(200).write("{") } : undefined,
    });
    stub.routes = cluster.routes;
    stub.requests.length = 0;
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "cli", "launch.js"), "results", "pull", "-s", "agg", "--context", "stub", "--results-dir", results],
      { env: { ...process.env, KUBECONFIG: stub.kubeconfig }, stdio: ["ignore", "ignore", "pipe"] },
    );
    const ended = once(child, "close");
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // The pull is under way once the reader has been asked for the file that never ends.
    while (child.exitCode === null && !stub.requests.some((request) => request.endsWith("/files/profile_export.jsonl"))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill("SIGINT");
    const [code] = await ended;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /error: interrupted; what was copied is kept: pull again to resume\n$/);
    assert.deepEqual(cluster.deleted, [cluster.created[0].metadata.name]);
    assert.ok(existsSync(join(runDir(NEWEST), "artifacts", "aiperf-exit-code")));
  });

  test("results list: the runs on the volume with their state, and the local ones", async () => {
    const onVolume = volume();
    onVolume["5e6f7a8b"] = { modifiedAt: JUNE_2025 + 2 * 86_400, exitCode: null, files: {} };
    assert.equal((await pull(readerCluster(onVolume), "--run", NEWEST)).status, 0);
    const localOnly = join(results, "agg", "77777777");
    mkdirSync(localOnly);
    writeFileSync(join(localOnly, "summary.json"), summary["summary.json"]);
    writeFileSync(
      join(localOnly, "run.json"),
      JSON.stringify({
        kind: "dynamo-bench run",
        schemaVersion: 1,
        stack: "agg",
        variant: "agg",
        runId: "77777777",
        jobName: "j",
        savedAt: "2025-06-01T10:00:00.000Z",
      }),
    );
    const cluster = readerCluster(onVolume);
    const { status: code, stdout, stderr } = await command(cluster, "list");
    assert.equal(code, 0, stderr);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.trimEnd());
    assert.match(lines[0], /^run +on the perf-cache volume +written +here \(.*agg\)$/);
    assert.match(lines[2], /^5e6f7a8b +running or incomplete \(no exit code yet\) +2025-06-17 15:06 UTC +not pulled$/);
    assert.match(lines[3], /^0a1b2c3d +succeeded +2025-06-16 15:06 UTC +pulled$/);
    assert.match(
      lines[4],
      /^9f8e7d6c +failed with aiperf exit code 124 \(stopped at the run's time limit\) +2025-06-15 15:06 UTC +not pulled$/,
    );
    assert.match(lines[5], /^77777777 +not on the volume +2025-06-01 10:00 UTC +local only: summary only \(saved by pulumi up\)$/);
    assert.equal(lines.length, 6);
    assert.equal(cluster.deleted.length, 1);
    const json = JSON.parse((await command(readerCluster(onVolume), "list", "--json")).stdout) as { runs: { runId: string }[] };
    assert.deepEqual(
      json.runs.map((run) => run.runId),
      ["5e6f7a8b", NEWEST, OLDER, "77777777"],
    );
  });
});

describe("results pull through the real reader script, run with python3 on a directory laid out as the volume", () => {
  let stub: KubernetesStub;
  let volumeRoot: string;
  let results: string;
  let reader: ChildProcess;
  let port: number;
  const previousKubeconfig = process.env.KUBECONFIG;

  before(async () => {
    volumeRoot = mkdtempSync(join(tmpdir(), "dynamo-bench-volume-"));
    results = mkdtempSync(join(tmpdir(), "dynamo-bench-results-"));
    const run = join(volumeRoot, "agg", NEWEST);
    mkdirSync(join(run, "logs"), { recursive: true });
    writeFileSync(join(run, "profile_export.jsonl"), RECORDS);
    writeFileSync(join(run, "profile_export_aiperf.json"), AGGREGATE);
    writeFileSync(join(run, "logs", "aiperf.log"), "aiperf log\n");
    writeFileSync(join(run, "aiperf-exit-code"), "0\n");
    writeFileSync(join(volumeRoot, "outside.txt"), "not the run's\n");
    symlinkSync(join(volumeRoot, "outside.txt"), join(run, "logs", "outside"));
    reader = spawn(PYTHON, [RESULTS_READER_SCRIPT_FILE, join(volumeRoot, "agg"), "0", "127.0.0.1"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    // Port 0: the script prints the address it serves on, which the test reads.
    port = await new Promise<number>((resolve, reject) => {
      reader.stdout!.on("data", (chunk: Buffer) => {
        const match = /on 127\.0\.0\.1:(\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      reader.on("exit", (code) => reject(new Error(`the reader exited with ${code}`)));
    });
    stub = await startKubernetesStub(readerCluster({}, { realReaderPort: port }).routes);
    process.env.KUBECONFIG = stub.kubeconfig;
  });
  after(async () => {
    process.env.KUBECONFIG = previousKubeconfig;
    reader.kill();
    await stub.close();
    rmSync(volumeRoot, { recursive: true, force: true });
    rmSync(results, { recursive: true, force: true });
  });

  test("the script lists sizes and sha256s, serves the files, names a link and never follows it; the run is summarized", async () => {
    const { status: code, stderr } = await runCli(["results", "pull", "-s", "agg", "--context", "stub", "--results-dir", results]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /note: not copied: "logs\/outside", a symbolic link/);
    assert.match(stderr, /Copied 4 files .*; its summary summarized here\./);
    const dir = join(results, "agg", NEWEST);
    assert.deepEqual(readFileSync(join(dir, "artifacts", "profile_export.jsonl")), RECORDS);
    assert.ok(!existsSync(join(dir, "artifacts", "logs", "outside")));
    assert.ok(existsSync(join(dir, "run.json")));
  });

  test("the script refuses a path that climbs out, a link, and a name that is not a run", async () => {
    for (const path of [`runs/${NEWEST}/files/..%2F..%2Foutside.txt`, `runs/${NEWEST}/files/logs/outside`, "runs/..%2F/listing"]) {
      const response = await fetch(`http://127.0.0.1:${port}/${path}`);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /not the run's/);
    }
    const dotted = await fetch(`http://127.0.0.1:${port}/runs/${NEWEST}/files/logs/%2E%2E/%2E%2E/outside.txt`);
    assert.equal(dotted.status, 404);
  });
});
