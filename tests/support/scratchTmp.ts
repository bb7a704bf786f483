import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every test process, and every program it starts, makes its temporary files under a directory of
// its own, removed when the process exits: no test leaves anything in /tmp.
const root = mkdtempSync(join(tmpdir(), "dynamo-bench-test-"));
process.env.TMPDIR = root;
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
