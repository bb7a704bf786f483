/** A time as people read it in a listing, to the minute and in UTC, whatever the machine's zone: `2025-11-07 16:10 UTC`. */
export function utcMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
