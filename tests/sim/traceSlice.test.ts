import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MOONCAKE_CONVERSATION_TRACE, PINS, TRACE_SLICE } from "../../domain/pins";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { traceSlice } from "../../scripts/generate-trace-slice";
import { traceStats } from "../../sim/trace/traceStats";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
/** The id git gives a file's content, to check a copy against the blob of a commit. */
const gitBlobId = (bytes: Buffer) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

const scratch = mkdtempSync(join(tmpdir(), "dynamo-bench-slice-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("the shipped slice of the trace", () => {
  const slice = readFileSync(join(PROJECT_ROOT, TRACE_SLICE.file));
  const readme = readFileSync(join(PROJECT_ROOT, "examples/trace/README.md"), "utf8");

  test("is the file domain/pins.ts records: its sha256 and its number of requests", async () => {
    assert.equal(sha256(slice), TRACE_SLICE.sha256);
    assert.equal(slice.toString("utf8").split("\n").length - 1, TRACE_SLICE.requests);
    assert.equal((await traceStats(join(PROJECT_ROOT, TRACE_SLICE.file))).stats.requests, TRACE_SLICE.requests);
  });

  test("states its source, the source's pinned sha256 and its own", () => {
    for (const fact of [MOONCAKE_CONVERSATION_TRACE, PINS.traceSha256, TRACE_SLICE.sha256, PINS.mooncakeCommit]) {
      assert.ok(readme.includes(fact), `examples/trace/README.md does not state ${fact}`);
    }
  });

  test("ships the source's licenses as they were at the pinned commit, and says so", () => {
    // The blob ids of LICENSE-APACHE and LICENSE-MULAN at kvcache-ai/Mooncake@3cca71da.
    const blobs = {
      "LICENSE-APACHE": "7a4a3ea2424c09fbe48d455aed1eaa94d9124835",
      "LICENSE-MULAN": "ad9d835ec6fa1949327ca1a2f8ecd5851dbdbc4d",
    };
    for (const [file, blob] of Object.entries(blobs)) {
      assert.equal(gitBlobId(readFileSync(join(PROJECT_ROOT, "examples/trace", file))), blob, file);
      assert.ok(readme.includes(`\`${file}\``), `examples/trace/README.md does not name ${file}`);
    }
    assert.match(readme, /Apache License 2\.0/);
  });
});

describe("scripts/generate-trace-slice.ts", () => {
  const lines = ['{"timestamp": 0, "input_length": 1, "output_length": 1, "hash_ids": [0]}', " odd  spacing ", "", "fourth"];
  const source = join(scratch, "trace.jsonl");
  writeFileSync(source, `${lines.join("\n")}\n`);
  const pinned = sha256(readFileSync(source));

  test("keeps the first lines byte for byte, each with its newline", () => {
    assert.equal(traceSlice(source, 2, pinned).toString("utf8"), `${lines[0]}\n${lines[1]}\n`);
    assert.equal(traceSlice(source, 4, pinned).toString("utf8"), readFileSync(source, "utf8"));
  });

  test("refuses a source that is not the pinned trace, or too short", () => {
    assert.throws(() => traceSlice(source, 2, PINS.traceSha256), /has sha256 [0-9a-f]{64}, not the pinned .*trace fetch/);
    assert.throws(() => traceSlice(source, 5, pinned), /fewer than 5 lines/);
  });
});
