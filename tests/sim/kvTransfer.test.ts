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

  test("a first token past ten minutes because of the transfer is said to be the transfer's, not a queue's", async () => {
    // 4,000 tokens × 256 KiB at 1 MB/s: 1,049 s on the link, and no request ever waits for a worker.
    const result = await simulate("--trace", spacedLongPrompts, "-s", "disagg", "--kv-transfer-gbps", "0.001");
    assertClean(result, "text");
    assert.match(result.stdout, /^predicted TTFT, p50 \/ p90 \/ p99 \(ms\) +> 10 min \/ > 10 min \/ > 10 min$/m);
    assert.doesNotMatch(result.stdout, /queueing/);
    assert.ok(
      result.stdout.includes(
        "\n> 10 min: the KV transfer takes most of that, not a queue: at 0.001 GB/s, 262,144 bytes a prompt token, " +
          "the prompts' KV alone takes 17.5 / 17.5 / 17.5 min (p50 / p90 / p99) to reach a decode worker",
      ),
      result.stdout,
    );
    const json = JSON.parse((await simulate("--trace", spacedLongPrompts, "-s", "disagg", "--kv-transfer-gbps", "0.001", "--json")).stdout);
    assert.equal(json.kvTransferMs.p50, (4000 * 262_144) / 1e3);
  });

  test("a queue that never drains is still said to be one, on a fast link", async () => {
    const flood = traceFile(Array.from({ length: 200 }, (_, i) => request(i, 60_000, 2, i * 200)));
    const result = await simulate("--trace", flood, "-s", "disagg", "--workers", "1");
    assert.match(result.stdout, /^> 10 min: overloaded: a first token that long after arrival is queueing/m);
    assert.doesNotMatch(result.stdout, /KV transfer takes most/);
  });

  test("on agg is one line: agg moves no KV", async () => {
    assert.match(
      oneErrorLine(await simulate("--trace", oneRequest, "-s", "agg", "--kv-transfer-gbps", "10")),
      /^error: --kv-transfer-gbps: only a disaggregated stack moves KV between workers; /,
    );
  });
});
