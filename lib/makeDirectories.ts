import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p`, one parent at a time. Node's recursive mkdir retries forever when a parent exists but
 * refuses children with ENOENT (`/proc/self/x/y`); here each level is made once and its error thrown.
 */
export function makeDirectories(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const stats = statSync(current, { throwIfNoEntry: false });
    // mkdir over a file throws the error a user should see: EEXIST, or ENOTDIR for a file above.
    if (stats && !stats.isDirectory()) missing.push(current);
    if (stats || dirname(current) === current) break;
    missing.push(current);
    current = dirname(current);
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another process made it in between: what was asked for is there.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(dir).isDirectory()) throw error;
    }
  }
}
