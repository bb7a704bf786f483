import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceFile } from "../support/traceFixtures";
import { assertClean, oneErrorLine, request, simulate } from "../support/simulateCases";

const oneRequest = traceFile([request(0, 300, 20, 1)]);
/** Prompts of 4,000 tokens an hour apart: nothing ever waits for a worker. */
const spacedLongPrompts = traceFile(Array.from({ length: 3 }, (_, i) => request(i * 3_600_000, 4000, 5, i * 10)));

describe("--kv-transfer-gbps", () => {
  test("below 0.001 GB/s is one line naming the flag and its range, not NaN figures", async () => {
    for (const gbps of ["1e-310", "1e-9", "0.0009", "0"]) {
      assert.equal(
        oneErrorLine(await simulate("--trace", oneRequest, "-s", "disagg", "--kv-transfer-gbps", gbps)),
        "error: --kv-transfer-gbps: must be from 0.001 to 1,000,000 (GB/s); 0.001 GB/s is 1 MB/s, slower than any network a GPU stack has",
        gbps,
      );
    }
  });

  test("the ends of its range give finite figures, or say a figure is past ten minutes", async () => {
    for (const gbps of ["0.001", "1000000"]) {
      for (const engineModel of ["vllm", "mocker"]) {
        const args = ["--trace", spacedLongPrompts, "-s", "disagg", "--kv-transfer-gbps", gbps, "--engine-model", engineModel];
        assertClean(await simulate(...args), `${gbps} ${engineModel}`);
        const json = JSON.parse((await simulate(...args, "--json")).stdout);
        for (const p of ["p50", "p90", "p99"] as const) {
          const ttft = json.latency.timeToFirstToken[p];
          assert.ok(
            Number.isFinite(ttft) || json.overloaded.includes(`timeToFirstToken.${p}`),
            `${gbps} ${engineModel}: TTFT ${p} ${ttft}`,
          );
        }
      }
    }
  });

  test("on agg is one line: agg moves no KV", async () => {
    assert.match(
      oneErrorLine(await simulate("--trace", oneRequest, "-s", "agg", "--kv-transfer-gbps", "10")),
      /^error: --kv-transfer-gbps: only a disaggregated stack moves KV between workers; /,
    );
  });
});
