/** One sample of a scrape: a series' labels and its value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of a scrape, by metric name (with its `_total`, `_sum`, `_count` or `_bucket` suffix). */
export type Scrape = Map<string, Sample[]>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

/** A value as Prometheus writes it: a float, +Inf, -Inf or NaN. */
function sampleValue(text: string): number | undefined {
  if (/^[+]?Inf$/i.test(text)) return Infinity;
  if (/^-Inf$/i.test(text)) return -Infinity;
  if (/^NaN$/i.test(text)) return NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** The labels between braces, from `text` just past the `{`; the rest of the line after the `}`. */
function labelsOf(text: string): { labels: Record<string, string>; rest: string } | undefined {
  const labels: Record<string, string> = {};
  let rest = text.trimStart();
  while (!rest.startsWith("}")) {
    const name = LABEL_NAME.exec(rest)?.[0];
    if (!name) return undefined;
    rest = rest.slice(name.length).trimStart();
    if (!rest.startsWith('="')) return undefined;
    let value = "";
    let at = 2;
    for (; at < rest.length && rest[at] !== '"'; at++) {
      if (rest[at] !== "\\") value += rest[at];
      else if (ESCAPES[rest[++at]] !== undefined) value += ESCAPES[rest[at]];
      else return undefined;
    }
    if (at >= rest.length) return undefined;
    labels[name] = value;
    rest = rest.slice(at + 1).trimStart();
    if (rest.startsWith(",")) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith("}")) return undefined;
  }
  return { labels, rest: rest.slice(1) };
}

/**
 * The samples of a page in Prometheus' text exposition format (version 0.0.4, as prometheus_client
 * and Dynamo's Rust runtime write it). Comments and blank lines are skipped; a line that is no
 * sample is counted in `malformed`, not guessed at. Hand-written: the one npm parser
 * (parse-prometheus-text-format 1.1.1) drops a histogram's labels, `_sum` and `_count`.
 */
export function parsePrometheusText(text: string): { samples: Scrape; malformed: number } {
  const samples: Scrape = new Map();
  const seen = new Set<string>();
  let malformed = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const name = NAME.exec(line)?.[0];
    let rest = name ? line.slice(name.length) : "";
    let labels: Record<string, string> = {};
    if (name && rest.startsWith("{")) {
      const parsed = labelsOf(rest.slice(1));
      rest = parsed?.rest ?? "";
      labels = parsed?.labels ?? {};
      if (!parsed) rest = "";
    }
    const [valueText, timestamp, extra] = rest.trim().split(/\s+/);
    const value = valueText === undefined ? undefined : sampleValue(valueText);
    if (!name || value === undefined || extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) {
      malformed++;
      continue;
    }
    // A series twice in one page is no valid exposition: summed, it would count a worker twice.
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([label, labelValue]) => `${label}=${JSON.stringify(labelValue)}`)
      .join(",")}}`;
    if (seen.has(key)) {
      malformed++;
      continue;
    }
    seen.add(key);
    const series = samples.get(name) ?? [];
    series.push({ labels, value });
    samples.set(name, series);
  }
  return { samples, malformed };
}

/** The sum of a metric's samples whose labels match `where`; undefined when it has none, or one that is no finite number. */
export function sumOf(scrape: Scrape, name: string, where: Record<string, string> = {}): number | undefined {
  const matching = (scrape.get(name) ?? []).filter((sample) => Object.entries(where).every(([key, value]) => sample.labels[key] === value));
  if (matching.length === 0 || matching.some((sample) => !Number.isFinite(sample.value))) return undefined;
  return matching.reduce((sum, sample) => sum + sample.value, 0);
}

/** The largest of a metric's samples; undefined when it has none. */
export function maxOf(scrape: Scrape, name: string): number | undefined {
  const values = (scrape.get(name) ?? []).map((sample) => sample.value).filter(Number.isFinite);
  return values.length === 0 ? undefined : Math.max(...values);
}
