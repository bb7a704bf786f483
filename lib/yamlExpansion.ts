/**
 * Counts values as JSON would write them out, stopping past `limit`. YAML aliases can make a
 * small file expand without end (a "billion laughs"), so what is loaded is counted before use.
 */
export function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack = [value];
  while (stack.length > 0 && count <= limit) {
    const next = stack.pop();
    count++;
    if (typeof next === "object" && next !== null) stack.push(...Object.values(next));
  }
  return count;
}
