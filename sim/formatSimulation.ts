import { formatCount, formatPercent, formatValue } from "../lib/numbers";
import { sloCondition } from "../domain/slos";
import { textTable } from "../lib/table";
import type { SplitPoint, SplitVerdict } from "./splitSweep";
import { OVERLOAD_NOTE, OVERLOADED_MS, OVERLOADED_TEXT } from "../domain/overload";
import { PREDICTED_SLO_METRICS, type RangeEnd, type SimulationReport, type SweepPoint } from "./traceSimulation";

function ms(value: number | undefined): string {
  return value === undefined ? "–" : formatValue(value, value < 100 ? 1 : 0);
}

const LATENCIES = ["timeToFirstToken", "interTokenLatency", "requestLatency"] as const;
type Latency = (typeof LATENCIES)[number];
const PERCENTILES = ["p50", "p90", "p99", "avg"] as const;
/** The percentiles the text's tables print. */
const TABLED = ["p50", "p90", "p99"] as const;
type Percentile = (typeof PERCENTILES)[number];

/**
 * Whether a figure is an overloaded stack's: its TTFT at that percentile is past OVERLOADED_MS. A
 * request's latency is its TTFT and more, so its request latency at the percentile is past it too;
 * a request latency past it with a TTFT within it is a long decode, and stays a figure.
 */
function isOverloaded(report: SimulationReport, latency: Latency, p: Percentile): boolean {
  return latency !== "interTokenLatency" && (report.latency.timeToFirstToken?.[p] ?? 0) > OVERLOADED_MS;
}

/** A latency as the tables print it: an overloaded one says so rather than print seven digits of ms. */
function latencyText(report: SimulationReport, latency: Latency, p: Percentile): string {
  return isOverloaded(report, latency, p) ? OVERLOADED_TEXT : ms(report.latency[latency]?.[p]);
}

/** Said in place of a latency of a stack, or a range end, that served no request: 0 would read as a figure. */
const NONE_SERVED = "none served";
const servedNone = (latency: RangeEnd["latency"]) => latency.timeToFirstToken === null;

/** The figures of a report that are an overloaded stack's, by name: `timeToFirstToken.p90`. */
function overloadedFigures(report: SimulationReport): string[] {
  return LATENCIES.flatMap((latency) => PERCENTILES.filter((p) => isOverloaded(report, latency, p)).map((p) => `${latency}.${p}`));
}

/**
 * Whether a TTFT past OVERLOADED_MS is mostly the KV transfer's: the served prompts' transfer at that percentile
 * is over half of it. Every request's TTFT holds its transfer, so the TTFT's percentile is at least the transfer's.
 */
function transferDominates(report: SimulationReport, p: Percentile): boolean {
  const ttft = report.latency.timeToFirstToken?.[p];
  const transfer = report.kvTransferMs?.[p];
  return ttft !== undefined && transfer !== undefined && transfer > ttft / 2;
}

const minutes = (ms: number) => formatValue(ms / 60_000, 1);

/**
 * What the `> 10 min` figures are: a queue that never drains, or, in disagg on a slow link, the KV transfer,
 * which no queue is needed for. Empty when no figure is past OVERLOADED_MS.
 */
function overloadNotes(reports: SimulationReport[]): string {
  const past = reports.flatMap((r) => PERCENTILES.filter((p) => isOverloaded(r, "timeToFirstToken", p)).map((p) => [r, p] as const));
  const byTransfer = past.filter(([r, p]) => transferDominates(r, p)).map(([r]) => r);
  const transfer = byTransfer[0]?.kvTransferMs;
  const link = byTransfer[0]?.settings.kvTransfer;
  const transferNote =
    transfer && link
      ? `${OVERLOADED_TEXT}: the KV transfer takes most of that, not a queue: at ${link.gbps} GB/s, ` +
        `${formatCount(link.bytesPerToken)} bytes a prompt token, the prompts' KV alone takes ` +
        `${minutes(transfer.p50)} / ${minutes(transfer.p90)} / ${minutes(transfer.p99)} min (p50 / p90 / p99) ` +
        "to reach a decode worker; --kv-transfer-gbps sets the link\n"
      : "";
  // A range's end past it, where the point is not, is read as a queue's: the slow end's slower passes.
  const queued = past.length > byTransfer.length || (past.length === 0 && reports.some(rangeOverloaded));
  return transferNote + (queued ? `${OVERLOAD_NOTE}\n` : "");
}

/**
 * A report as --json prints it: an overloaded stack's latency is null, and named in `overloaded` (empty when
 * none is), so that no one reads a queue that never drained as a figure in ms.
 */
export function simulationJson(report: SimulationReport): SimulationJson {
  const overloaded = overloadedFigures(report);
  const latency = Object.fromEntries(
    LATENCIES.map((name) => {
      const values = report.latency[name];
      const kept = values && Object.fromEntries(PERCENTILES.map((p) => [p, isOverloaded(report, name, p) ? null : values[p]]));
      return [name, kept];
    }),
  ) as SimulationJson["latency"];
  return { ...report, latency, overloaded };
}

type JsonPercentiles = Record<(typeof PERCENTILES)[number], number | null>;

export type SimulationJson = Omit<SimulationReport, "latency"> & {
  latency: Record<(typeof LATENCIES)[number], JsonPercentiles | null>;
  overloaded: string[];
};

type Row = (report: SimulationReport) => string;

// A mean below 10 keeps a decimal: two requests over six workers are 0.3 each, not 0.
const maxMean = ({ max, mean }: { max: number; mean: number }) =>
  `${formatCount(max)} / ${mean < 10 && !Number.isInteger(mean) ? formatValue(mean, 1) : formatCount(mean)}`;

/** A range's two ends, low – high: "–" when neither end has the figure, and "n/a" for an end that alone lacks it. */
function rangeCell(low: string | undefined, high: string | undefined): string {
  return low === undefined && high === undefined ? "–" : `${low ?? "n/a"}–${high ?? "n/a"}`;
}

function goodputRangeText(r: SimulationReport): string {
  const percent = (fraction: number | null | undefined) =>
    fraction === null || fraction === undefined ? undefined : formatPercent(fraction);
  return rangeCell(percent(r.range?.slow.goodput), percent(r.range?.fast.goodput));
}

/** A range end's latency as the tables print it: past OVERLOADED_MS, a TTFT or request latency says so. */
function endText(end: RangeEnd, latency: Latency, p: Percentile): string | undefined {
  const value = end.latency[latency]?.[p];
  if (value === undefined) return undefined;
  return latency !== "interTokenLatency" && value > OVERLOADED_MS ? OVERLOADED_TEXT : ms(value);
}

/** Whether the table prints one of the range's ends as overloaded, whether or not it prints the point so. */
function rangeOverloaded(report: SimulationReport): boolean {
  const ends = report.range ? [report.range.fast, report.range.slow] : [];
  return ends.some((end) => LATENCIES.some((latency) => TABLED.some((p) => endText(end, latency, p) === OVERLOADED_TEXT)));
}

/** One column per simulated policy, side by side. */
export function simulationText(reports: SimulationReport[]): string {
  const ranged = reports.some((r) => r.range);
  const percentileRows = (label: string, latency: Latency): [string, Row][] => [
    [
      `${label}, p50 / p90 / p99 (ms)`,
      (r) => (servedNone(r.latency) ? NONE_SERVED : TABLED.map((p) => latencyText(r, latency, p)).join(" / ")),
    ],
    ...(ranged
      ? ([
          [
            "  range, fast – slow end",
            (r) =>
              r.range && servedNone(r.range.fast.latency) && servedNone(r.range.slow.latency)
                ? NONE_SERVED
                : r.range
                  ? TABLED.map((p) => rangeCell(endText(r.range!.fast, latency, p), endText(r.range!.slow, latency, p))).join(" / ")
                  : "–",
          ],
        ] as [string, Row][])
      : []),
  ];
  const goodputRange = goodputRangeText;
  const rows: [string, Row][] = [
    ["workers routed to", (r) => formatCount(r.workers)],
    ["decode workers", (r) => (r.decodeWorkers > 0 ? formatCount(r.decodeWorkers) : "–")],
    ...percentileRows("predicted TTFT", "timeToFirstToken"),
    ...percentileRows("predicted ITL", "interTokenLatency"),
    ...percentileRows("predicted request latency", "requestLatency"),
    ["predicted goodput", (r) => (r.goodput ? formatPercent(r.goodput.fraction) : "–")],
    ...(ranged ? ([["  range, slow – fast end", goodputRange]] as [string, Row][]) : []),
    ...(reports.some((r) => r.preemptions + r.refused + r.unserved > 0)
      ? ([
          [
            "requests preempted / refused / never served",
            (r) => `${formatCount(r.preemptions)} / ${formatCount(r.refused)} / ${formatCount(r.unserved)}`,
          ],
        ] as [string, Row][])
      : []),
    ["cache capacity per worker (tokens)", (r) => formatCount(r.capacityTokensPerWorker)],
    ["hit rate (block references from cache)", (r) => formatPercent(r.hitRate)],
    ["bound (one unbounded cache)", (r) => formatPercent(r.bound)],
    // No prompt shares a block with another: there is no reuse to reach, so no share of it.
    ["hit rate / bound", (r) => (r.bound > 0 ? formatPercent(r.hitRate / r.bound, 1) : "n/a")],
    ["prefill tokens computed", (r) => formatCount(r.prefillTokens.computed)],
    ["  with one unbounded cache", (r) => formatCount(r.prefillTokens.unbounded)],
    ["  input tokens in the trace", (r) => formatCount(r.prefillTokens.input)],
    ["requests per worker, max / mean", (r) => maxMean(r.load.requests)],
    ["prefill tokens per worker, max / mean", (r) => maxMean(r.load.prefillTokens)],
    ["cached tokens per worker, max / mean", (r) => maxMean(r.cachedTokensPerWorker)],
    ["  max as a share of capacity", (r) => formatPercent(r.cachedTokensPerWorker.capacityFraction, 1)],
  ];
  const table = textTable({
    header: ["policy", ...reports.map((r) => r.policy)],
    align: ["left", ...reports.map(() => "right" as const)],
    rows: rows.map(([label, value]) => [label, ...reports.map(value)]),
  });
  const slos = reports.find((r) => r.goodput)?.goodput?.slos;
  const goodput = slos
    ? `goodput: requests that meet ${Object.entries(slos)
        .map(([metric, threshold]) => sloCondition(metric, threshold))
        .join(" and ")}`
    : `goodput: not predicted: the simulation does not predict ${unpredicted(reports[0]?.settings.slos ?? {}).join(" or ")}`;
  const overload = overloadNotes(reports);
  const refused = refusedText(
    reports.map((r) => [r.policy, r]),
    "every policy",
  );
  return `${table}\n${overload}${refused}${goodput}\n${rangeText(reports)}${settingsText(reports)}`;
}

/** Why a prediction's stack refused or never served requests (the mocker model), and how many; undefined when it served all. */
function refusedReason(r: SimulationReport): string | undefined {
  if (r.refused + r.unserved === 0) return undefined;
  const of = (count: number) => `${formatCount(count)} of ${formatCount(r.requests)} requests`;
  const served = r.requests - r.refused - r.unserved;
  const reasons = [
    ...(r.refused > 0
      ? [
          `refused: ${of(r.refused)}, each needing more KV than a worker's whole ${formatCount(r.capacityTokensPerWorker)} tokens ` +
            `(its prompt and output, in ${r.settings.blockSize}-token blocks), which a worker refuses in either engine model; ` +
            "each counts against goodput, as a failed request does in a run",
        ]
      : []),
    ...(r.unserved > 0
      ? [`never served: ${of(r.unserved)}, left waiting behind a preempted request, as the mocker's queue leaves them`]
      : []),
  ];
  return `${reasons.join("; ")}; ${servedNone(r.latency) ? "none was served" : `the latencies are of the ${formatCount(served)} served`}`;
}

/**
 * A line for each reason some predictions' stacks refused or never served requests, naming those predictions
 * (`every split` when it is all of them), so that figures of the rest, or none at all, are not read as the whole trace's.
 */
function refusedText(predictions: [label: string, report: SimulationReport][], each: string): string {
  const labels = new Map<string, string[]>();
  for (const [label, report] of predictions) {
    const reason = refusedReason(report);
    if (reason !== undefined) labels.set(reason, [...(labels.get(reason) ?? []), label]);
  }
  const who = (names: string[]) =>
    predictions.length === 1 ? "" : names.length === predictions.length ? `${each}: ` : `${names.join(", ")}: `;
  return [...labels].map(([reason, names]) => `${who(names)}${reason}\n`).join("");
}

/** What the ranges are made of, or why the prediction is a point. */
function rangeText(reports: SimulationReport[]): string {
  const spans = reports.find((r) => r.range)?.range?.spans;
  if (spans) return `range: each end takes every span at that end: ${spans.join("; ")}\n`;
  return "range: none: a point, from timings that are the mocker's own, or calibrated to a run (in disagg, with its handoff overhead)\n";
}

const unpredicted = (slos: Record<string, number>) => Object.keys(slos).filter((metric) => !PREDICTED_SLO_METRICS.includes(metric));

/** What every prediction above assumed, besides the trace: the engine, the router, the KV transfer, the timings. */
function settingsText(reports: SimulationReport[]): string {
  const first = reports[0];
  if (!first) return "";
  const { blockSize, maxBatchedTokens, maxNumSeqs, seed, kvTransfer } = first.settings;
  const router = reports.find((r) => r.settings.router)?.settings.router;
  const lines = [
    `engine model: ${first.engineModel === "mocker" ? "mocker, Dynamo's mocker rule for rule" : "vllm, this project's model of vLLM"}`,
    `engine: passes of ${formatCount(maxBatchedTokens)} tokens, at most ${maxNumSeqs} requests running, ` +
      `${blockSize}-token KV blocks, ${formatCount(first.capacityTokensPerWorker)} tokens of KV per worker`,
    `routing: seed ${seed}` + (router ? `; KV router with overlap weight ${router.overlapWeight}, temperature ${router.temperature}` : ""),
    ...(kvTransfer
      ? [
          `KV transfer: ${kvTransfer.gbps} GB/s per transfer, ${formatCount(kvTransfer.bytesPerToken)} bytes per prompt token; ` +
            "transfers do not contend for the link",
        ]
      : []),
    `engine timings: ${first.perfModel}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function sweepText(points: SweepPoint[], bound: number): string {
  const refusing = points.some((p) => p.refused > 0);
  const table = textTable({
    header: ["capacity per worker (tokens)", "hit rate", "of the bound", ...(refusing ? ["requests refused"] : [])],
    align: ["right", "right", "right", "right"],
    rows: points.map((p) => [
      formatCount(p.capacityTokens),
      formatPercent(p.hitRate),
      bound > 0 ? formatPercent(p.hitRate / bound, 1) : "n/a",
      ...(refusing ? [formatCount(p.refused)] : []),
    ]),
  });
  const refusedNote = refusing
    ? "requests refused: those a worker of that capacity cannot hold (prompt and output); their blocks count, with no hit\n"
    : "";
  return `${table}\n${refusedNote}bound (one unbounded cache): ${formatPercent(bound)}\n`;
}

/** One row per split: predicted TTFT, ITL and goodput, and the best one named, or those that tie. */
export function splitText(points: SplitPoint[], verdict: SplitVerdict): string {
  const best = verdict.kind === "best" ? verdict.point : undefined;
  const ranged = points.some((point) => point.report.range);
  const table = textTable({
    header: ["split", "TTFT p50 / p90 (ms)", "ITL p50 / p90 (ms)", "goodput", ...(ranged ? ["goodput range, slow – fast end"] : [])],
    align: ["left", "right", "right", "right", "right"],
    rows: points.map(({ split, report }) => [
      split === best?.split ? `${split.label} (best)` : split.label,
      servedNone(report.latency)
        ? NONE_SERVED
        : `${latencyText(report, "timeToFirstToken", "p50")} / ${latencyText(report, "timeToFirstToken", "p90")}`,
      servedNone(report.latency)
        ? NONE_SERVED
        : `${latencyText(report, "interTokenLatency", "p50")} / ${latencyText(report, "interTokenLatency", "p90")}`,
      report.goodput ? formatPercent(report.goodput.fraction) : "–",
      ...(ranged ? [goodputRangeText(report)] : []),
    ]),
  });
  const overload = overloadNotes(points.map((point) => point.report));
  const reports = points.slice(-1).map((point) => point.report);
  const refused = refusedText(
    points.map(({ split, report }) => [split.label, report]),
    "every split",
  );
  return `${table}\n${overload}${refused}${verdictText(points, verdict)}\n${rangeText(reports)}${settingsText(reports)}`;
}

function verdictText(points: SplitPoint[], verdict: SplitVerdict): string {
  switch (verdict.kind) {
    case "best": {
      const { split, report } = verdict.point;
      const across = points.some((point) => point.report.range) ? ", at the point and at both ends of the range" : "";
      // Splits that serve as many within the SLOs lose on the tie-break alone: said, so the verdict is not read as more.
      const asMany = points.filter((point) => point !== verdict.point && point.report.goodput?.fraction === report.goodput!.fraction);
      const others = asMany.map((point) => point.split.label).join(", ");
      const tieBreak = asMany.length > 0 ? `; ${others} serve as many at the point, and it has the lower TTFT p90 (then ITL p90)` : "";
      const within = `${formatPercent(report.goodput!.fraction)} of requests within them`;
      return `best for the SLOs: ${split.label}, with ${within}${across}${tieBreak}`;
    }
    case "tie":
      return `no split wins${points.some((point) => point.report.range) ? " across the range" : ""}: ${verdict.where.join("; ")}`;
    case "none meets the SLOs": {
      const across = points.some((point) => point.report.range) ? ", at the point and at both ends of the range" : "";
      return `no split meets the SLOs: every one serves ${formatPercent(0)} of requests within them${across}`;
    }
    case "not predicted":
      return `goodput not predicted: the simulation does not predict ${unpredicted(points[0]?.report.settings.slos ?? {}).join(" or ")}`;
  }
}
