/**
 * No prefill takes ten minutes (a 131,072-token prompt takes seconds): a predicted first token later
 * than that is queueing, on a stack that falls further behind while requests keep coming. Such a TTFT
 * is said as "overloaded" rather than printed in ms, wherever a prediction is printed.
 */
export const OVERLOADED_MS = 600_000;

/** How an overloaded figure is printed in place of its ms. */
export const OVERLOADED_TEXT = `> ${OVERLOADED_MS / 60_000} min`;

/** The line under a table that printed OVERLOADED_TEXT. */
export const OVERLOAD_NOTE =
  `${OVERLOADED_TEXT}: overloaded: a first token that long after arrival is queueing, as no prefill takes it, ` +
  "in a queue that grows while requests keep coming";
