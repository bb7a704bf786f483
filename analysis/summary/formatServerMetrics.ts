import type { RunSummary, ServerMetrics } from "./resultsSchema";
import { formatCount, formatPercent, formatValue } from "../../lib/numbers";
import { markdownTable, textTable, type Table } from "../../lib/table";
import { terminalLine } from "../../lib/terminalText";

const orNone = (value: number | null, format: (value: number) => string) => (value === null ? "n/a" : format(value));

function workersTable(server: ServerMetrics): Table {
  return {
    header: ["worker", "role", "requests", "prefix hits", "peak KV", "peak waiting", "preemptions"],
    align: ["left", "left", "right", "right", "right", "right", "right"],
    rows: server.workers.map((worker) => [
      worker.name,
      worker.role,
      orNone(worker.requests, formatCount),
      orNone(worker.hitRate, (rate) => formatPercent(rate)),
      orNone(worker.peakKvUsage, (usage) => formatPercent(usage)),
      orNone(worker.peakWaiting, formatCount),
      orNone(worker.preemptions, formatCount),
    ]),
  };
}

/** The router's balance: how far apart the busiest and the idlest worker of a role are. */
function balanceLines(server: ServerMetrics): string[] {
  const roles = [...new Set(server.workers.map((worker) => worker.role))];
  return roles.flatMap((role) => {
    const counts = server.workers.filter((worker) => worker.role === role).map((worker) => worker.requests);
    if (counts.length < 2 || counts.some((count) => count === null)) return [];
    const known = counts as number[];
    const low = Math.min(...known);
    const high = Math.max(...known);
    const ratio = low > 0 ? `, busiest/idlest ${formatValue(high / low)}×` : "";
    return [`Requests per ${terminalLine(role)} worker: ${formatCount(low)} to ${formatCount(high)}${ratio}`];
  });
}

function headLines(server: ServerMetrics): string[] {
  const when = (time: string | null) => (time === null ? "?" : terminalLine(time));
  const lines = [`Server metrics: ${server.scrapes} scrape(s) of the frontend and workers, ${when(server.from)} to ${when(server.to)}`];
  const { frontend, prefixCache } = server;
  if (frontend) {
    const ttft = frontend.meanTtftMs === null ? "" : `; mean TTFT ${formatValue(frontend.meanTtftMs)} ms`;
    lines.push(
      `Frontend: ${orNone(frontend.requests, formatCount)} requests succeeded, ${orNone(frontend.errors, formatCount)} failed${ttft}`,
    );
  }
  lines.push(
    prefixCache.hitRate === null
      ? "Prefix cache: not reported by the workers (Dynamo's mocker reports no prefix-cache counters)"
      : `Prefix cache${server.workers.some((worker) => worker.role === "prefill") ? " (prefill workers)" : ""}: ` +
          `${formatPercent(prefixCache.hitRate)} of ${formatCount(prefixCache.queriedTokens ?? 0)} prompt tokens found cached`,
  );
  return lines;
}

/** The server's side of a run, as text: nothing when the run has no scrapes. */
export function serverMetricsText(summary: RunSummary): string {
  const server = summary.server;
  if (!server) return "";
  const table = server.workers.length > 0 ? ["", textTable(workersTable(server))] : [];
  const notes = server.notes.slice(0, 10).map((note) => `Note: ${terminalLine(note)}`);
  return ["", ...headLines(server), ...table, ...balanceLines(server), ...notes].join("\n") + "\n";
}

export function serverMetricsMarkdown(summary: RunSummary): string {
  const server = summary.server;
  if (!server) return "";
  const table = server.workers.length > 0 ? ["", markdownTable(workersTable(server))] : [];
  const notes = server.notes.slice(0, 10).map((note) => `- Note: ${terminalLine(note)}`);
  return (
    ["", ...headLines(server).map((line) => `- ${line}`), ...table, "", ...balanceLines(server).map((line) => `- ${line}`), ...notes].join(
      "\n",
    ) + "\n"
  );
}
