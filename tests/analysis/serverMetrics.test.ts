import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifactDir, FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { frontendPage, mockerWorkerPage, vllmWorkerPage, type WorkerFigures } from "../support/prometheusFixtures";
import { parsePrometheusText, sumOf } from "../../analysis/summary/prometheusText";
import { readServerMetrics } from "../../analysis/summary/serverMetrics";
import { summarizeRun } from "../../analysis/summary/runSummary";
import { summaryText } from "../../analysis/summary/formatSummary";
import { runCli } from "../support/cli";

const SLOS = { time_to_first_token: 2000, inter_token_latency: 25 };
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Target {
  name: string;
  role: string;
  /** The page served, or an error when the scrape failed. */
  page: string | { error: string };
}

/** An artifact directory with the records, and the scrapes as observe.py writes them: one folder per scrape, and scrapes.jsonl. */
function runWithScrapes(scrapes: { phase: "start" | "during" | "end"; targets: Target[] }[]): string {
  const dir = artifactDir(FIVE_REQUESTS.map(recordLine).join("\n") + "\n");
  dirs.push(dir);
  const root = join(dir, "server-metrics");
  mkdirSync(root);
  const lines = scrapes.map((scrape, index) => {
    const folder = `${String(index).padStart(2, "0")}-${scrape.phase}`;
    mkdirSync(join(root, folder));
    const targets = scrape.targets.map(({ name, role, page }) => {
      if (typeof page !== "string") return { name, role, error: page.error };
      writeFileSync(join(root, folder, `${name}.prom`), page);
      return { name, role, file: `${folder}/${name}.prom` };
    });
    return JSON.stringify({ index, phase: scrape.phase, at: `2026-12-06T10:${String(index * 5).padStart(2, "0")}:00+00:00`, targets });
  });
  writeFileSync(join(root, "scrapes.jsonl"), lines.join("\n") + "\n");
  return dir;
}

const worker = (figures: Partial<WorkerFigures>): string =>
  vllmWorkerPage({ kvUsage: 0.1, waiting: 0, running: 0, preemptions: 0, ...figures });

describe("what the server saw, from the Job's Prometheus scrapes", () => {
  test("hit rates, requests per worker, peak KV and preemptions come from each worker's start and end; the frontend's too", async () => {
    const dir = runWithScrapes([
      {
        phase: "start",
        targets: [
          { name: "frontend", role: "frontend", page: frontendPage({ succeeded: 0, failed: 0, ttftSumSeconds: 0, ttftCount: 0 }) },
          { name: "agg-0", role: "worker", page: worker({ queries: 100, hits: 0, succeeded: { stop: 2, length: 0 } }) },
          { name: "agg-1", role: "worker", page: worker({ queries: 0, hits: 0, succeeded: { stop: 0, length: 0 } }) },
        ],
      },
      {
        phase: "during",
        targets: [
          { name: "frontend", role: "frontend", page: { error: "timed out" } },
          { name: "agg-0", role: "worker", page: worker({ queries: 5_000, hits: 2_000, kvUsage: 0.83, waiting: 7, preemptions: 1 }) },
          { name: "agg-1", role: "worker", page: worker({ queries: 1_000, hits: 100, kvUsage: 0.41 }) },
        ],
      },
      {
        phase: "end",
        targets: [
          { name: "frontend", role: "frontend", page: frontendPage({ succeeded: 300, failed: 2, ttftSumSeconds: 240, ttftCount: 300 }) },
          {
            name: "agg-0",
            role: "worker",
            page: worker({ queries: 10_100, hits: 4_000, succeeded: { stop: 150, length: 12 }, preemptions: 3 }),
          },
          { name: "agg-1", role: "worker", page: worker({ queries: 10_000, hits: 1_000, succeeded: { stop: 140, length: 0 } }) },
        ],
      },
    ]);
    const server = readServerMetrics(dir)!;
    assert.deepEqual(server.frontend, { requests: 300, errors: 2, meanTtftMs: 800 });
    assert.deepEqual(server.prefixCache, { queriedTokens: 20_000, hitTokens: 5_000, hitRate: 0.25 });
    assert.deepEqual(
      server.workers.map(({ name, requests, hitRate, peakKvUsage, peakWaiting, preemptions }) => [
        name,
        requests,
        hitRate,
        peakKvUsage,
        peakWaiting,
        preemptions,
      ]),
      [
        ["agg-0", 160, 0.4, 0.83, 7, 3],
        ["agg-1", 140, 0.1, 0.41, 0, 0],
      ],
    );
    assert.deepEqual(server.notes, ["frontend: 1 of 3 scrapes failed"]);

    const text = summaryText(...(Object.values(await summarizeRun(dir, SLOS)) as Parameters<typeof summaryText>));
    assert.match(
      text,
      /\nServer metrics: 3 scrape\(s\) of the frontend and workers, 2026-12-06T10:00:00\+00:00 to 2026-12-06T10:10:00\+00:00\n/,
    );
    assert.match(text, /\nFrontend: 300 requests succeeded, 2 failed; mean TTFT 800\.00 ms\n/);
    assert.match(text, /\nPrefix cache: 25\.00% of 20,000 prompt tokens found cached\n/);
    assert.match(text, /\nagg-0 +worker +160 +40\.00% +83\.00% +7 +3\n/);
    assert.match(text, /\nRequests per worker worker: 140 to 160, busiest\/idlest 1\.14×\n/);
  });

  test("a worker that restarted counts from its restart; one that started late, from zero; one scraped once, from its start", () => {
    const dir = runWithScrapes([
      { phase: "start", targets: [{ name: "p-0", role: "prefill", page: worker({ queries: 9_000, hits: 900 }) }] },
      {
        phase: "end",
        targets: [
          { name: "p-0", role: "prefill", page: worker({ queries: 400, hits: 100 }) },
          { name: "p-1", role: "prefill", page: worker({ queries: 800, hits: 400 }) },
        ],
      },
    ]);
    const server = readServerMetrics(dir)!;
    assert.deepEqual(
      server.workers.map((each) => [each.name, each.queriedTokens, each.hitTokens]),
      [
        ["p-0", 400, 100],
        ["p-1", 800, 400],
      ],
    );
    assert.deepEqual(server.notes, [
      "p-0 restarted during the run: its counters are from its restart on",
      "p-1 was scraped once: its counters are from its own start on",
    ]);
  });

  test("in disagg the overall hit rate is the prefill workers': a decode worker receives the KV it would count", () => {
    const dir = runWithScrapes(
      (["start", "end"] as const).map((phase) => ({
        phase,
        targets: [
          { name: "p-0", role: "prefill", page: worker(phase === "start" ? { queries: 0, hits: 0 } : { queries: 1_000, hits: 400 }) },
          { name: "d-0", role: "decode", page: worker(phase === "start" ? { queries: 0, hits: 0 } : { queries: 1_000, hits: 1_000 }) },
        ],
      })),
    );
    const server = readServerMetrics(dir)!;
    assert.deepEqual(server.prefixCache, { queriedTokens: 1_000, hitTokens: 400, hitRate: 0.4 });
    assert.deepEqual(
      server.workers.map((each) => [each.name, each.hitRate]),
      [
        ["d-0", 1],
        ["p-0", 0.4],
      ],
    );
  });

  test("the mocker's workers give KV usage under the old name, and no prefix-cache figures: said, not shown as 0%", async () => {
    const dir = runWithScrapes([
      { phase: "start", targets: [{ name: "m-0", role: "decode", page: mockerWorkerPage(0.2) }] },
      { phase: "end", targets: [{ name: "m-0", role: "decode", page: mockerWorkerPage(0.6) }] },
    ]);
    const server = readServerMetrics(dir)!;
    assert.deepEqual(server.prefixCache, { queriedTokens: null, hitTokens: null, hitRate: null });
    assert.equal(server.workers[0].peakKvUsage, 0.6);
    assert.equal(server.workers[0].requests, null);
    const { summary, provenance } = await summarizeRun(dir, SLOS);
    assert.match(summaryText(summary, provenance), /Prefix cache: not reported by the workers/);
  });

  test("hostile scrape listings: paths out of the folder, lines that are no scrape, a page that is no metrics, a link, a huge page", () => {
    const dir = runWithScrapes([{ phase: "start", targets: [{ name: "w-0", role: "worker", page: worker({ queries: 10, hits: 5 }) }] }]);
    const root = join(dir, "server-metrics");
    writeFileSync(join(root, "00-start", "junk.prom"), "<html>login</html>\nvllm:prefix_cache_hits_total{oops 3\n");
    writeFileSync(join(root, "00-start", "huge.prom"), Buffer.alloc(17 * 2 ** 20, "#"));
    symlinkSync("/dev/zero", join(root, "00-start", "link.prom"));
    const target = (name: string, file: string) => ({ name, role: "worker", file });
    writeFileSync(
      join(root, "scrapes.jsonl"),
      [
        JSON.stringify({
          index: 0,
          phase: "start",
          at: "t0",
          targets: [target("w-0", "00-start/w-0.prom"), target("junk", "00-start/junk.prom")],
        }),
        JSON.stringify({ index: 1, phase: "end", at: "t1", targets: [target("escape", "../../../etc/passwd")] }),
        JSON.stringify({ index: 2, phase: "end", at: "t2", targets: [target("abs", "/etc/passwd")] }),
        "not json",
        JSON.stringify({
          index: 3,
          phase: "end",
          at: "t3",
          targets: [target("huge", "00-start/huge.prom"), target("link", "00-start/link.prom")],
        }),
      ].join("\n"),
    );
    const server = readServerMetrics(dir)!;
    assert.deepEqual(
      server.workers.map((each) => each.name),
      ["junk", "w-0"],
    );
    assert.equal(server.scrapes, 2);
    assert.deepEqual(server.notes, [
      "3 line(s) of server-metrics/scrapes.jsonl are no scrape, and were skipped",
      "server-metrics/00-start/huge.prom: it is 17,825,792 bytes, more than the 16 MiB a scrape can be",
      "server-metrics/00-start/link.prom: it is not a regular file (a pipe or a device would be read until it ends)",
      "2 line(s) of the scrapes are not in Prometheus' text format, and were skipped",
      "w-0 was scraped once: its counters are from its own start on",
      "junk was scraped once: its counters are from its own start on",
      "huge: 1 of 1 scrapes failed",
      "link: 1 of 1 scrapes failed",
    ]);
  });

  test("a run without scrapes has no server section, and summarize says nothing of it", async () => {
    const dir = artifactDir(FIVE_REQUESTS.map(recordLine).join("\n") + "\n");
    dirs.push(dir);
    assert.equal(readServerMetrics(dir), undefined);
    const { summary } = await summarizeRun(dir, SLOS);
    assert.equal(summary.server, undefined);
    const { stdout } = await runCli(["summarize", dir]);
    assert.doesNotMatch(stdout, /Server metrics/);
  });
});

test("a counter that is no finite number is unknown, not a figure; a series given twice counts once", async () => {
  const dir = runWithScrapes(
    (["start", "end"] as const).map((phase) => ({
      phase,
      targets: [
        {
          name: "w-0",
          role: "worker",
          page:
            phase === "start"
              ? worker({ queries: 0, hits: 0 })
              : worker({ queries: 1_000, hits: 500 }).replace(/(vllm:prefix_cache_queries_total\{[^}]*\}) [\d.]+/, "$1 NaN") +
                worker({ queries: 1_000, hits: 500 })
                  .split("\n")
                  .filter((line) => line.startsWith("vllm:prefix_cache_hits_total"))
                  .join("\n") +
                "\n",
        },
      ],
    })),
  );
  const server = readServerMetrics(dir)!;
  assert.deepEqual([server.workers[0].queriedTokens, server.workers[0].hitTokens, server.workers[0].hitRate], [null, 500, null]);
  assert.deepEqual(server.notes, ["1 line(s) of the scrapes are not in Prometheus' text format, and were skipped"]);
  const { summary } = await summarizeRun(dir, SLOS);
  assert.equal(summary.server?.prefixCache.hitRate, null, "the run is summarized all the same");
});

test("Prometheus' text format: labels with escapes, special values, timestamps; a line that is no sample is counted, not guessed", () => {
  const { samples, malformed } = parsePrometheusText(
    [
      "# HELP x_total A counter.",
      "# TYPE x_total counter",
      'x_total{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} 3 1700000000000',
      'x_total{path="other",} 4',
      "up 1",
      "inf_metric +Inf",
      "nan_metric NaN",
      "",
      'bad_value{a="1"} twelve',
      'unclosed{a="1"',
      'bad_escape{a="\\q"} 1',
      "two_values 1 2 3",
      "1starts_with_digit 1",
    ].join("\n"),
  );
  assert.deepEqual(samples.get("x_total"), [
    { labels: { path: "C:\\dir", quote: 'say "hi"', nl: "a\nb" }, value: 3 },
    { labels: { path: "other" }, value: 4 },
  ]);
  assert.equal(sumOf(samples, "x_total"), 7);
  assert.equal(sumOf(samples, "x_total", { path: "other" }), 4);
  assert.equal(sumOf(samples, "absent"), undefined);
  assert.equal(samples.get("inf_metric")![0].value, Infinity);
  assert.ok(Number.isNaN(samples.get("nan_metric")![0].value));
  assert.equal(malformed, 5);
});
