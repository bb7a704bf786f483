import type { Slos } from "../domain/slos";
import type { StackModel } from "./stackSimulation";
import { simulateTrace, type LoadedTrace, type RangeEnd, type SimulationReport } from "./traceSimulation";

/** One way to spend the GPU budget: all workers aggregated, or some prefilling and the rest decoding. */
export interface Split {
  label: string;
  prefill: number;
  decode: number;
}

/** agg, then 1P(n−1)D … (n−1)P1D, for n workers of `tensorParallelSize` GPUs in `gpus`. */
export function splitsOf(gpus: number, tensorParallelSize: number): Split[] {
  const workers = Math.floor(gpus / tensorParallelSize);
  const splits: Split[] = [{ label: `agg ${workers}`, prefill: 0, decode: workers }];
  for (let prefill = 1; prefill < workers; prefill++) {
    splits.push({ label: `${prefill}P${workers - prefill}D`, prefill, decode: workers - prefill });
  }
  return splits;
}

export interface SplitPoint {
  split: Split;
  report: SimulationReport;
}

export function splitSweep(trace: LoadedTrace, model: StackModel, slos: Slos, splits: Split[]): SplitPoint[] {
  return splits.map((split) => ({
    split,
    report: simulateTrace(
      trace,
      { ...model, routedWorkers: split.prefill > 0 ? split.prefill : split.decode, decodeWorkers: split.prefill > 0 ? split.decode : 0 },
      slos,
    ),
  }));
}

/** A split's figures at the point, or at one end of its range. */
type Figures = { goodput: number | null; ttftP90: number; itlP90: number };

const AT = {
  point: (report: SimulationReport): Figures => ({
    goodput: report.goodput?.fraction ?? null,
    ttftP90: report.latency.timeToFirstToken?.p90 ?? Infinity,
    itlP90: report.latency.interTokenLatency?.p90 ?? Infinity,
  }),
  // A split no span moves (agg, from timings calibrated with no handoff span) is at its point at both ends.
  fast: (report: SimulationReport): Figures => (report.range ? endFigures(report.range.fast) : AT.point(report)),
  slow: (report: SimulationReport): Figures => (report.range ? endFigures(report.range.slow) : AT.point(report)),
};

function endFigures(end: RangeEnd): Figures {
  const { timeToFirstToken, interTokenLatency } = end.latency;
  return { goodput: end.goodput, ttftP90: timeToFirstToken?.p90 ?? Infinity, itlP90: interTokenLatency?.p90 ?? Infinity };
}

/** -1, 0 or 1, for figures that may be Infinity (no TTFT, no ITL), where a difference would be NaN. */
const order = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** The most requests within the SLOs first; among equals, the lower TTFT p90, then the lower ITL p90. */
const ranking = (x: Figures, y: Figures) => order(y.goodput!, x.goodput!) || order(x.ttftP90, y.ttftP90) || order(x.itlP90, y.itlP90);

/** Who leads at one place: no split (none serves a request within the SLOs), one split, or splits equal in every figure. */
type Lead = { kind: "none" } | { kind: "one"; point: SplitPoint } | { kind: "exact tie"; points: SplitPoint[] };

function leadAt(points: SplitPoint[], at: (report: SimulationReport) => Figures): Lead {
  const figures = new Map(points.map((point) => [point, at(point.report)]));
  const ranked = [...points].sort((a, b) => ranking(figures.get(a)!, figures.get(b)!));
  const top = figures.get(ranked[0])!;
  if (top.goodput === 0) return { kind: "none" };
  const tied = ranked.filter((point) => ranking(figures.get(point)!, top) === 0);
  return tied.length > 1 ? { kind: "exact tie", points: tied } : { kind: "one", point: ranked[0] };
}

/** Which split to run: one that wins at the point and at both ends of the range, or the splits that tie for it. */
export type SplitVerdict =
  | { kind: "best"; point: SplitPoint }
  | { kind: "tie"; points: SplitPoint[]; where: string[] }
  | { kind: "none meets the SLOs" }
  | { kind: "not predicted" };

const PLACE = { point: "the point", fast: "the fast end", slow: "the slow end" } as const;

/** `a`, `a and b`, `a, b and c`. */
const listText = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}` : items.join(""));

/**
 * The split that serves the most requests within the SLOs, at the point and, where the prediction
 * has a range, at its fast end and at its slow end too: the spans move every split alike, so a
 * split that wins at both ends wins across the range. When different splits win, or splits tie in
 * every figure, they tie, and the verdict names them and where. When no split serves a request within
 * the SLOs anywhere, none is named: the lowest TTFT of splits that all miss is no reason to run one.
 */
export function splitVerdict(points: SplitPoint[]): SplitVerdict {
  if (points.length === 0 || points.some((point) => point.report.goodput === null)) return { kind: "not predicted" };
  const ranged =
    points.some((point) => point.report.range) &&
    points.every((point) => !point.report.range || (point.report.range.fast.goodput !== null && point.report.range.slow.goodput !== null));
  const leads = (ranged ? (["point", "fast", "slow"] as const) : (["point"] as const)).map(
    (where) => [where, leadAt(points, AT[where])] as const,
  );
  if (leads.every(([, lead]) => lead.kind === "none")) return { kind: "none meets the SLOs" };
  const [, first] = leads[0];
  if (first.kind === "one" && leads.every(([, lead]) => lead.kind === "one" && lead.point === first.point)) {
    return { kind: "best", point: first.point };
  }
  // The same lead at several places is said once, with all of them.
  const who = (lead: Lead) =>
    lead.kind === "none"
      ? "none meets the SLOs"
      : lead.kind === "one"
        ? `${lead.point.split.label} wins`
        : `${listText(lead.points.map((point) => point.split.label))} tie exactly`;
  const groups = new Map<string, (keyof typeof PLACE)[]>();
  for (const [where, lead] of leads) groups.set(who(lead), [...(groups.get(who(lead)) ?? []), where]);
  const where = [...groups].map(([text, places]) => `${text} at ${listText(places.map((place) => PLACE[place]))}`);
  const tied = leads.flatMap(([, lead]) => (lead.kind === "one" ? [lead.point] : lead.kind === "exact tie" ? lead.points : []));
  return { kind: "tie", points: [...new Set(tied)], where };
}
