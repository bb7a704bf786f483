import type { RunSummary } from "./resultsSchema";

/** Why a goodput counted against no SLO is not known: every request meets none, so it would read 100%. */
export const NO_SLOS = "no SLOs recorded";

/** A run's goodput, as a fraction of its requests; null when it is not known, as when no SLO was recorded to count it against. */
export function knownGoodput({ goodput }: RunSummary): number | null {
  return Object.keys(goodput.slos).length === 0 ? null : goodput.fraction;
}
