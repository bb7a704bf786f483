import type { RequestRecord } from "./aiperfFiles";

/**
 * Milliseconds per time unit: aiperf's own (MetricTimeUnit: ns, us, ms, sec; src/aiperf/common/enums/metric_enums.py:133-155,
 * yangligt2/aiperf @ c2f5e9d459005d362457716bbd865d247232fa30), and the s, µs and μs people write by hand. A Map, so that a
 * unit named like an object's own property ("constructor") is no unit.
 */
const MS_PER_UNIT = new Map<string, number>([
  ["ns", 1e-6],
  ["us", 1e-3],
  ["\u00b5s", 1e-3],
  ["\u03bcs", 1e-3],
  ["ms", 1],
  ["sec", 1e3],
  ["s", 1e3],
]);

/** Milliseconds per `unit`, when it is a time unit. */
export function msPerUnit(unit: string): number | undefined {
  return MS_PER_UNIT.get(unit);
}

/** Whether `unit` is a time unit, which cannot be negative. */
export const isTimeUnit = (unit: string) => MS_PER_UNIT.has(unit);

/** Puts every time of a record in ms, so that a run in seconds compares with the SLOs and with other runs as it should. */
export function inMilliseconds(record: RequestRecord): void {
  const metrics = record.metrics ?? {};
  for (const tag in metrics) {
    const metric = metrics[tag];
    const factor = msPerUnit(metric.unit);
    if (factor === undefined || metric.unit === "ms") continue;
    const { value } = metric;
    metrics[tag] = {
      unit: "ms",
      value: typeof value === "number" ? value * factor : Array.isArray(value) ? value.map((v) => v * factor) : value,
    };
  }
}
