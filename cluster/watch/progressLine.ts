/** The progress the benchmark Job prints every 30 s (stack/builders/scripts/observe.py, Progress.line). */
export interface Progress {
  done: number;
  expected: number;
  errors: number;
  /** Seconds since the first request started, and the trace's span in the schedule window. */
  elapsedSeconds: number;
  spanSeconds: number;
  ttftP50Ms: number | null;
  itlP50Ms: number | null;
}

const CLOCK = String.raw`((?:\d+:)?\d+:\d\d)`;
const LATENCY = String.raw`(-|\d+(?:\.\d+)?)`;
/** The whole line, as observe.py logs it: "[<time>] progress: …", and nothing after. */
const LINE = new RegExp(
  String.raw`^(?:\[[^\]]*\] )?progress: (\d+)\/(\d+) requests(?: \([\d.]+%\))?, (\d+) errors?, ${CLOCK} of ${CLOCK} trace time, ` +
    String.raw`TTFT p50 ${LATENCY} ms, ITL p50 ${LATENCY} ms$`,
);

function seconds(clock: string): number {
  return clock.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

const latency = (text: string) => (text === "-" ? null : Number(text));

/** The progress a log line reports, or undefined when it is another line. */
export function parseProgressLine(line: string): Progress | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, done, expected, errors, elapsed, span, ttft, itl] = match;
  const counts = [done, expected, errors].map(Number);
  const times = [seconds(elapsed), seconds(span), latency(ttft) ?? 0, latency(itl) ?? 0];
  // A count or a time no run gives (past 2^53, or a year of trace) is no progress, and is shown as the line it is.
  if (!counts.every(Number.isSafeInteger) || !times.every((value) => Number.isFinite(value) && value < 365 * 86_400_000)) return undefined;
  return {
    done: Number(done),
    expected: Number(expected),
    errors: Number(errors),
    elapsedSeconds: seconds(elapsed),
    spanSeconds: seconds(span),
    ttftP50Ms: latency(ttft),
    itlP50Ms: latency(itl),
  };
}
