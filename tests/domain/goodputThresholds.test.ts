import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceFile } from "../support/traceFixtures";
import { oneErrorLine, request, simulate } from "../support/simulateCases";

const oneRequest = traceFile([request(0, 300, 20, 1)]);

describe("--goodput", () => {
  test("a threshold out of range is one line naming the flag, the SLO and the range allowed", async () => {
    assert.equal(
      oneErrorLine(await simulate("--trace", oneRequest, "-s", "agg", "--goodput", "time_to_first_token:1e12")),
      'error: --goodput: "time_to_first_token:1e12": the threshold of time_to_first_token must be from 0 to 86,400,000 (ms, a day)',
    );
    assert.equal(
      oneErrorLine(await simulate("--trace", oneRequest, "-s", "agg", "--goodput", "inter_token_latency:-5")),
      'error: --goodput: "inter_token_latency:-5": the threshold of inter_token_latency must be from 0 to 86,400,000 (ms, a day)',
    );
    assert.equal(
      oneErrorLine(await simulate("--trace", oneRequest, "-s", "agg", "--goodput", "output_token_count:2e9")),
      'error: --goodput: "output_token_count:2e9": the threshold of output_token_count must be from 0 to 1,000,000,000 (tokens)',
    );
  });

  test("a threshold may take an exponent, as aiperf reads it; the range's ends are allowed", async () => {
    const json = JSON.parse((await simulate("--trace", oneRequest, "-s", "agg", "--goodput", "time_to_first_token:2e3", "--json")).stdout);
    assert.deepEqual(json.goodput.slos, { time_to_first_token: 2000 });
    for (const goodput of ["time_to_first_token:0", "request_latency:86400000"]) {
      assert.equal((await simulate("--trace", oneRequest, "-s", "agg", "--goodput", goodput)).status, 0, goodput);
    }
  });
});
