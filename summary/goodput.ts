import * as z from "zod/mini";
import { UserError } from "../userError";

/** aiperf's --goodput syntax: space-separated `metric:threshold` pairs, thresholds in the metric's unit. */
const sloPair = z.string().check(
  z.regex(/^[a-z_]+:[0-9]+(\.[0-9]+)?$/, { error: 'each SLO is written "metric:threshold", such as "time_to_first_token:1000"' }),
);

export type Slos = Record<string, number>;

export function parseGoodput(text: string): Slos {
  const pairs = text.trim().split(/\s+/).filter(Boolean);
  if (pairs.length === 0) throw new GoodputError("--goodput: give at least one SLO, such as \"time_to_first_token:1000\"");
  const slos: Slos = {};
  for (const pair of pairs) {
    const parsed = sloPair.safeParse(pair);
    if (!parsed.success) {
      const shown = pair.length > 60 ? `${pair.slice(0, 60)}…` : pair;
      throw new GoodputError(`--goodput: "${shown}": ${parsed.error.issues[0].message}`);
    }
    const [metric, threshold] = pair.split(":");
    slos[metric] = Number(threshold);
  }
  return slos;
}

export class GoodputError extends UserError {}
