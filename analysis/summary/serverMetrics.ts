import { join } from "node:path";
import * as z from "zod/mini";
import { entryAt, readRegularFile } from "../../lib/regularFile";
import { maxOf, parsePrometheusText, sumOf, type Scrape } from "./prometheusText";
import type { ServerMetrics, WorkerMetrics } from "./resultsSchema";

/** Where the benchmark Job writes its scrapes (stack/builders/scripts/observe.py). */
export const SERVER_METRICS_DIR = "server-metrics";
export const SCRAPES_FILE = "scrapes.jsonl";
const MAX_SCRAPE_BYTES = 16 * 2 ** 20;
const MAX_SCRAPES = 10_000;

/**
 * The series read, by the component that writes them.
 * - The frontend: ai-dynamo/dynamo@4cba833f lib/llm/src/http/service/metrics.rs:634-642 (requests_total,
 *   labels model, endpoint, request_type, status ∈ success|error, error_type) and :746-754
 *   (time_to_first_token_seconds, a histogram by model), under the prefix dynamo_frontend
 *   (lib/runtime/src/metrics/prometheus_names.rs); at 1.4 (d7bb84ef), metrics.rs:667-670 and :778-782.
 * - vLLM's engine, passed through by each worker's system server on port 9090 (components/src/dynamo/vllm/
 *   main.py setup_metrics_collection, prefixes "vllm:"): vllm/v1/metrics/loggers.py PrometheusStatLogger.
 *   Read at vllm-project/vllm@005a810b and a later copy, not at the pinned 0.23.0, 0.26.0 and 0.27.1.
 *   prometheus_client adds `_total` to every counter.
 * - Dynamo's mocker emits the gauges and preemptions, but no prefix-cache or request counters
 *   (lib/llm/src/mocker/metrics.rs:437-495 at 4cba833f).
 */
export const SERIES = {
  frontendRequests: "dynamo_frontend_requests_total",
  frontendTtftSum: "dynamo_frontend_time_to_first_token_seconds_sum",
  frontendTtftCount: "dynamo_frontend_time_to_first_token_seconds_count",
  prefixQueries: "vllm:prefix_cache_queries_total",
  prefixHits: "vllm:prefix_cache_hits_total",
  requestSuccess: "vllm:request_success_total",
  kvUsage: "vllm:kv_cache_usage_perc",
  /** Removed from vLLM (PR #29330); the mocker still writes it beside kv_cache_usage_perc. */
  kvUsageBefore: "vllm:gpu_cache_usage_perc",
  waiting: "vllm:num_requests_waiting",
  preemptions: "vllm:num_preemptions_total",
} as const;

const scrapeLine = z.object({
  index: z.int().check(z.minimum(0)),
  phase: z.enum(["start", "during", "end"]),
  at: z.string().check(z.maxLength(64)),
  targets: z
    .array(
      z.object({
        name: z.string().check(z.minLength(1), z.maxLength(253)),
        role: z.string().check(z.maxLength(64)),
        // Only a file of its own scrape's folder: a line cannot point the reader outside server-metrics/.
        file: z.optional(z.string().check(z.regex(/^\d{2,6}-(start|during|end)\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}\.prom$/))),
        error: z.optional(z.string()),
      }),
    )
    .check(z.maxLength(4096)),
  problem: z.optional(z.string()),
});
type ScrapeLine = z.infer<typeof scrapeLine>;

interface TargetScrape {
  index: number;
  scrape: Scrape;
}

/** A counter's increase over the run; when it went down, the process restarted, and the last value is what it counted since. */
function increase(first: Scrape | undefined, last: Scrape, name: string): { value: number | undefined; restarted: boolean } {
  const end = sumOf(last, name);
  if (end === undefined) return { value: undefined, restarted: false };
  const start = first ? (sumOf(first, name) ?? 0) : 0;
  return end >= start ? { value: end - start, restarted: false } : { value: end, restarted: true };
}

const fraction = (part: number | undefined, whole: number | undefined) =>
  part === undefined || whole === undefined || whole <= 0 ? null : Math.min(1, Math.max(0, part / whole));

/**
 * What the server saw during the run, from the Prometheus scrapes in <dir>/server-metrics/; undefined
 * when the run has none (an older Job, or aiperf run by hand). Counters are taken from each target's
 * first scrape (at the replay's start) to its last; gauges at their peak over every scrape.
 */
export function readServerMetrics(dir: string): ServerMetrics | undefined {
  const root = join(dir, SERVER_METRICS_DIR);
  const listing = join(root, SCRAPES_FILE);
  if (entryAt(listing) === "nothing") return undefined;
  const notes: string[] = [];
  const lines: ScrapeLine[] = [];
  const text = readRegularFile(listing, { maxBytes: MAX_SCRAPE_BYTES, what: "a list of scrapes" });
  let skipped = 0;
  for (const raw of text.split("\n").slice(0, MAX_SCRAPES)) {
    if (raw.trim() === "") continue;
    try {
      const parsed = scrapeLine.safeParse(JSON.parse(raw));
      if (parsed.success) lines.push(parsed.data);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  if (skipped > 0) notes.push(`${skipped} line(s) of ${SERVER_METRICS_DIR}/${SCRAPES_FILE} are no scrape, and were skipped`);
  lines.sort((a, b) => a.index - b.index);

  const byTarget = new Map<string, { role: string; scrapes: TargetScrape[]; failed: number }>();
  let malformed = 0;
  for (const line of lines) {
    if (line.problem) notes.push(`scrape ${line.index} (${line.phase}): ${line.problem}`);
    for (const target of line.targets) {
      const entry = byTarget.get(target.name) ?? { role: target.role, scrapes: [], failed: 0 };
      byTarget.set(target.name, entry);
      if (!target.file) {
        entry.failed++;
        continue;
      }
      try {
        const parsed = parsePrometheusText(readRegularFile(join(root, target.file), { maxBytes: MAX_SCRAPE_BYTES, what: "a scrape" }));
        malformed += parsed.malformed;
        entry.scrapes.push({ index: line.index, scrape: parsed.samples });
      } catch (error) {
        entry.failed++;
        notes.push(`${SERVER_METRICS_DIR}/${target.file}: ${(error as Error).message}`);
      }
    }
  }
  if (malformed > 0) notes.push(`${malformed} line(s) of the scrapes are not in Prometheus' text format, and were skipped`);
  const firstIndex = lines[0]?.index;

  let frontend: ServerMetrics["frontend"] = null;
  const workers: WorkerMetrics[] = [];
  for (const [name, { role, scrapes, failed }] of byTarget) {
    if (failed > 0) notes.push(`${name}: ${failed} of ${failed + scrapes.length} scrapes failed`);
    const last = scrapes.at(-1);
    if (!last) continue;
    // A target missing from the first scrape started after it: its counters count from zero.
    const first = scrapes[0].index === firstIndex && scrapes.length > 1 ? scrapes[0].scrape : undefined;
    if (scrapes.length === 1) notes.push(`${name} was scraped once: its counters are from its own start on`);
    if (role === "frontend") {
      const requests = (status: string) => {
        const at = (scrape: Scrape | undefined) => (scrape ? (sumOf(scrape, SERIES.frontendRequests, { status }) ?? 0) : 0);
        return sumOf(last.scrape, SERIES.frontendRequests) === undefined ? null : Math.max(0, at(last.scrape) - at(first));
      };
      const ttftSum = increase(first, last.scrape, SERIES.frontendTtftSum).value;
      const ttftCount = increase(first, last.scrape, SERIES.frontendTtftCount).value;
      frontend = {
        requests: requests("success"),
        errors: requests("error"),
        meanTtftMs: ttftSum !== undefined && ttftCount ? (1000 * ttftSum) / ttftCount : null,
      };
      continue;
    }
    const queries = increase(first, last.scrape, SERIES.prefixQueries);
    const hits = increase(first, last.scrape, SERIES.prefixHits);
    const succeeded = increase(first, last.scrape, SERIES.requestSuccess);
    const preempted = increase(first, last.scrape, SERIES.preemptions);
    if ([queries, hits, succeeded, preempted].some((counter) => counter.restarted)) {
      notes.push(`${name} restarted during the run: its counters are from its restart on`);
    }
    const peak = (series: string) => {
      const values = scrapes.map(({ scrape }) => maxOf(scrape, series)).filter((value): value is number => value !== undefined);
      return values.length === 0 ? null : Math.max(...values);
    };
    const kv = peak(SERIES.kvUsage) ?? peak(SERIES.kvUsageBefore);
    workers.push({
      name,
      role,
      requests: succeeded.value ?? null,
      queriedTokens: queries.value ?? null,
      hitTokens: hits.value ?? null,
      hitRate: fraction(hits.value, queries.value),
      peakKvUsage: kv === null ? null : Math.min(1, Math.max(0, kv)),
      peakWaiting: peak(SERIES.waiting),
      preemptions: preempted.value ?? null,
    });
  }
  workers.sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name, "en", { numeric: true }));
  // In disagg, prefills run, and reuse the cache, on the prefill workers; a decode worker receives the KV.
  const prefilling = workers.some((worker) => worker.role === "prefill") ? workers.filter((worker) => worker.role === "prefill") : workers;
  const total = (pick: (worker: WorkerMetrics) => number | null) => {
    const values = prefilling.map(pick).filter((value): value is number => value !== null);
    return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0);
  };
  const queriedTokens = total((worker) => worker.queriedTokens);
  const hitTokens = total((worker) => worker.hitTokens);
  return {
    scrapes: lines.length,
    from: lines[0]?.at ?? null,
    to: lines.at(-1)?.at ?? null,
    frontend,
    prefixCache: { queriedTokens, hitTokens, hitRate: fraction(hitTokens ?? undefined, queriedTokens ?? undefined) },
    workers,
    notes,
  };
}
