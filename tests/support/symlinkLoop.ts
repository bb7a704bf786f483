import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A path that is a symbolic link to itself: every look at it fails with ELOOP. */
export function symlinkLoop(): string {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-loop-")), "run");
  symlinkSync("run", path);
  return path;
}
