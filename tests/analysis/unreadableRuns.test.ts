import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { artifactDir, FIVE_REQUESTS, recordLine } from "../support/aiperfArtifacts";
import { STACK_TRACE } from "../support/cli";
import { runCliWithUnreadable } from "../support/unreadable";

const records = FIVE_REQUESTS.map(recordLine).join("\n") + "\n";

describe("a run directory the user may not read", () => {
  for (const command of ["summarize", "compare"]) {
    test(`${command} says permission denied, not that aiperf's files are missing`, () => {
      const dir = artifactDir(records);
      const args = command === "summarize" ? ["summarize", dir] : ["compare", dir, "examples/agg-sample"];
      const result = runCliWithUnreadable(args, dir);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.equal(result.stderr, `error: ${dir}: permission denied\n`);
    });
  }
});
