import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PrefixCache } from "../../sim/prefixCache";
import { KvRouter, lowest, seeded, simpleRouter, softmaxPick, type KvRouterSettings } from "../../sim/routing";
import { promptBlocks, type PromptBlocks } from "../../sim/promptBlocks";

const AGG: KvRouterSettings = {
  blockSize: 64,
  overlapWeight: 1,
  temperature: 0,
  trackActiveBlocks: true,
  useOverlap: true,
  trackPrefillTokens: true,
};
const EIGHT_BLOCKS = [1, 2, 3, 4, 5, 6, 7, 8];
/** Blocks in unit tests are one engine block each: a fill of 1 per id. */
const blocksOf = (ids: number[]): PromptBlocks => ({ ids, fills: ids.map(() => 1), total: ids.length });
const request = (ids = EIGHT_BLOCKS, inputTokens = ids.length * 64) => ({ blocks: blocksOf(ids), inputTokens });

function routerWith(cached: number[][], settings: Partial<KvRouterSettings> = {}) {
  const caches = cached.map((blocks) => {
    const cache = new PrefixCache(1000);
    cache.insert(blocksOf(blocks));
    return cache;
  });
  return new KvRouter(caches, { ...AGG, ...settings }, seeded(1));
}

describe("Dynamo's KV router cost, worked by hand (selector.rs @ 4cba833f)", () => {
  test("cost = weight × max(0, (outstanding prefill + input) / block size − cached blocks) + active blocks + new blocks", () => {
    const router = routerWith([[1, 2, 3, 4], []]);
    // Worker 0: (0 + 512) / 64 − 4 = 4 to prefill, plus 8 new blocks. Worker 1: 8 + 8.
    assert.deepEqual([...router.costs(request())], [12, 16]);
    assert.deepEqual([...routerWith([[1, 2, 3, 4], []], { overlapWeight: 2 }).costs(request())], [16, 24]);
    assert.equal(router.route(request()).worker, 0);
  });

  test("the division is a float's: 100 tokens are 1.5625 blocks", () => {
    assert.deepEqual([...routerWith([[]]).costs(request([1], 100))], [1.5625 + 1]);
  });

  test("outstanding prefill tokens count until the first token, then only the blocks stay", () => {
    const router = routerWith([[], []]);
    const booking = router.route(request([1, 2], 128));
    const [booked, other] = booking.worker === 0 ? [0, 1] : [1, 0];
    const costs = () => {
      const all = router.costs(request([9], 64));
      return [all[booked], all[other]];
    };
    // The booked worker: 128 tokens still to prefill, and blocks 1 and 2 active.
    assert.deepEqual(costs(), [(128 + 64) / 64 + 2 + 1, 1 + 1]);
    router.prefillDone(booking);
    assert.deepEqual(costs(), [1 + 2 + 1, 1 + 1]);
    router.free(booking);
    assert.deepEqual(costs(), [2, 2]);
  });

  test("active blocks are counted once per worker; a request's blocks already active there are not new", () => {
    const router = routerWith([[]]);
    const bookings = [router.route(request()), router.route(request())];
    bookings.forEach((booking) => router.prefillDone(booking));
    assert.deepEqual([...router.costs(request())], [8 + 8 + 0], "8 distinct active blocks, not 16; none of the 8 is new");
    assert.deepEqual([...router.costs(request([1, 2, 3, 4, 9, 10, 11, 12]))], [8 + 8 + 4], "the depth already active is 4");
    router.free(bookings[0]);
    assert.deepEqual([...router.costs(request())], [8 + 8 + 0], "still active for the other request");
    router.free(bookings[1]);
    assert.deepEqual([...router.costs(request())], [8 + 0 + 8]);
  });

  test("the prefill term is clamped at 0 when the cache covers more than the prompt", () => {
    const router = routerWith([EIGHT_BLOCKS]);
    assert.deepEqual([...router.costs(request(EIGHT_BLOCKS, 100))], [0 + 8]);
  });

  test("prefill workers track no active blocks; decode workers only their active blocks", () => {
    const prefill = routerWith([[1, 2, 3, 4]], { trackActiveBlocks: false });
    prefill.route(request());
    assert.deepEqual([...prefill.costs(request())], [(256 + 512) / 64 - 4]);
    const decode = routerWith([[1, 2, 3, 4], []], { useOverlap: false, trackPrefillTokens: false });
    assert.deepEqual([...decode.costs(request())], [8, 8]);
  });
});

describe("picking a worker", () => {
  test("temperature 0 takes the lowest cost, and breaks exact ties uniformly at random", () => {
    const random = seeded(3);
    assert.equal(lowest(Float64Array.from([3, 1, 2]), random), 1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[lowest(Float64Array.from([5, 1, 1, 1]), random)]++;
    assert.equal(counts[0], 0);
    for (const count of counts.slice(1)) assert.ok(Math.abs(count / 40_000 - 1 / 3) < 0.02, counts.join(" "));
  });

  test("above 0, p ∝ exp(−(cost − min) / ((max − min) × temperature)); equal costs are uniform", () => {
    const random = seeded(5);
    const counts = [0, 0];
    for (let i = 0; i < 40_000; i++) counts[softmaxPick(Float64Array.from([10, 30]), 1, random)]++;
    assert.ok(Math.abs(counts[0] / 40_000 - 1 / (1 + Math.exp(-1))) < 0.02, counts.join(" "));
    const even = [0, 0];
    for (let i = 0; i < 40_000; i++) even[softmaxPick(Float64Array.from([7, 7]), 0.5, random)]++;
    assert.ok(Math.abs(even[0] / 40_000 - 0.5) < 0.02);
  });

  test("round-robin counts from the first worker; random picks each about equally", () => {
    const next = simpleRouter("round-robin", 3, seeded(1));
    assert.deepEqual([next(), next(), next(), next()], [0, 1, 2, 0]);
    const pick = simpleRouter("random", 4, seeded(9));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[pick()]++;
    for (const count of counts) assert.ok(Math.abs(count / 40_000 - 0.25) < 0.02, counts.join(" "));
  });
});

describe("the engine's blocks", () => {
  test("a 512-token trace block holds eight 64-token blocks; only full blocks count", () => {
    const blocks = promptBlocks({ timestamp: 0, input_length: 1000, output_length: 1, hash_ids: [10, 11] }, 64);
    assert.deepEqual(blocks, { ids: [10, 11], fills: [8, 7], total: 15 }, "floor(1000 / 64) = 15");
    assert.deepEqual(
      promptBlocks({ timestamp: 0, input_length: 12_035, output_length: 1, hash_ids: [...Array(24).keys()] }, 64).total,
      188,
    );
    assert.deepEqual(
      promptBlocks({ timestamp: 0, input_length: 600, output_length: 1, hash_ids: [10] }, 64).fills,
      [8],
      "no more than its ids hold",
    );
  });

  test("a cache holding part of a trace block serves that part, then stops", () => {
    const cache = new PrefixCache(100);
    cache.insert({ ids: [10, 11], fills: [8, 3], total: 11 });
    assert.equal(cache.matchPrefix({ ids: [10, 11, 12], fills: [8, 8, 8], total: 24 }), 11);
    assert.equal(cache.size, 11);
    cache.insert({ ids: [10, 11, 12], fills: [8, 8, 8], total: 24 });
    assert.equal(cache.size, 24, "the block now holds all 8");
  });
});
