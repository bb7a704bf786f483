// Every test process, and every program it starts, makes its temporary files under a directory of
// its own, removed when the process exits: no test leaves anything in /tmp. Plain JavaScript, so
// that it runs before tsx loads (`--import` it first): tsx then keeps its cache in here too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = mkdtempSync(join(tmpdir(), "dynamo-bench-test-"));
process.env.TMPDIR = root;
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
