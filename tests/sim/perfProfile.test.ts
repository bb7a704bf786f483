import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { AIC_QWEN3_32B_H200, defaultProfile } from "../../sim/defaultProfile";
import { loadProfile } from "../../sim/loadProfile";
import { parseNpz } from "../../sim/npz";
import { profilePerfModel } from "../../sim/perfModel";
import { conversationTrace, traceFile } from "../support/traceFixtures";
import { runCli, STACK_TRACE } from "../support/cli";

/** One array in numpy's .npy layout (version 1, C order, little-endian), as numpy.save writes it. */
function npy(values: number[], shape = [values.length], descr = "<f8", fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const bytes = new Uint8Array(10 + header.length + values.length * 8);
  bytes.set([0x93, ..."NUMPY".split("").map((c) => c.charCodeAt(0)), 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) =>
    descr === "<i8"
      ? view.setBigInt64(10 + header.length + i * 8, BigInt(value), true)
      : view.setFloat64(10 + header.length + i * 8, value, descr !== ">f8"),
  );
  return bytes;
}

const npz = (arrays: Record<string, Uint8Array>) => zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])));
const scratch = () => mkdtempSync(join(tmpdir(), "dynamo-bench-profile-"));

/** The mocker's perf_data.npz: ITL grid indexed [active KV tokens, context length]. */
function mockerNpz(itl = [10, 12, 20, 24]): Uint8Array {
  return npz({
    prefill_isl: npy([100, 10_000]),
    prefill_ttft_ms: npy([20, 1020]),
    decode_active_kv_tokens: npy([0, 100_000]),
    decode_context_length: npy([1000, 5000]),
    decode_itl: npy(itl, [2, 2]),
  });
}

describe("Dynamo's profiler output, in each form the mocker reads", () => {
  test("the mocker's perf_data.npz: linear in input length, bilinear in active KV × context, extended past the grid", () => {
    const dir = scratch();
    writeFileSync(join(dir, "perf_data.npz"), mockerNpz());
    for (const path of [join(dir, "perf_data.npz"), dir]) {
      const perf = profilePerfModel(loadProfile(path));
      assert.equal(perf.prefillPassMs + perf.prefillMs(0, 5050), 520);
      assert.equal(perf.decodeMs(0, 1000), 10);
      assert.equal(perf.decodeMs(100_000, 5000), 24);
      assert.equal(perf.decodeMs(50_000, 3000), (10 + 12 + 20 + 24) / 4);
      assert.equal(perf.decodeMs(200_000, 1000), 30, "extrapolated, as the mocker does");
    }
  });

  test("a grid saved transposed (Fortran order) or big-endian reads as the same numbers", () => {
    const dir = scratch();
    const arrays = (itl: Uint8Array, isl: Uint8Array) =>
      npz({
        prefill_isl: isl,
        prefill_ttft_ms: npy([20, 1020]),
        decode_active_kv_tokens: npy([0, 100_000]),
        decode_context_length: npy([1000, 5000]),
        decode_itl: itl,
      });
    // [kv, ctx] = [[10, 12], [20, 24]], stored column by column.
    writeFileSync(join(dir, "fortran.npz"), arrays(npy([10, 20, 12, 24], [2, 2], "<f8", true), npy([100, 10_000])));
    writeFileSync(join(dir, "big.npz"), arrays(npy([10, 12, 20, 24], [2, 2]), npy([100, 10_000], [2], ">f8")));
    for (const file of ["fortran.npz", "big.npz"]) {
      const perf = profilePerfModel(loadProfile(join(dir, file)));
      assert.equal(perf.decodeMs(0, 5000), 12, file);
      assert.equal(perf.decodeMs(100_000, 1000), 20, file);
      assert.equal(perf.prefillPassMs + perf.prefillMs(0, 5050), 520, file);
    }
  });

  test("a profiler results directory, and the planner's JSON, give the same model", () => {
    const prefill = { prefill_isl: [100, 10_000], prefill_ttft: [20, 1020] };
    const decode = {
      x_kv_usage: [0, 0.5, 0, 0.5],
      y_context_length: [1000, 1000, 5000, 5000],
      z_itl: [10, 20, 12, 24],
      max_kv_tokens: 200_000,
    };
    const results = scratch();
    mkdirSync(join(results, "selected_prefill_interpolation"));
    mkdirSync(join(results, "selected_decode_interpolation"));
    writeFileSync(
      join(results, "selected_prefill_interpolation", "raw_data.npz"),
      npz({ prefill_isl: npy(prefill.prefill_isl, [2], "<i8"), prefill_ttft: npy(prefill.prefill_ttft) }),
    );
    writeFileSync(
      join(results, "selected_decode_interpolation", "raw_data.npz"),
      npz({
        x_kv_usage: npy(decode.x_kv_usage),
        y_context_length: npy(decode.y_context_length),
        z_itl: npy(decode.z_itl),
        max_kv_tokens: npy([decode.max_kv_tokens], [1], "<i8"),
      }),
    );
    const json = scratch();
    writeFileSync(join(json, "prefill_raw_data.json"), JSON.stringify(prefill));
    writeFileSync(join(json, "decode_raw_data.json"), JSON.stringify(decode));
    for (const dir of [results, json]) {
      const perf = profilePerfModel(loadProfile(dir));
      assert.equal(perf.decodeMs(50_000, 3000), (15 + 18) / 2, dir);
      assert.equal(perf.prefillPassMs + perf.prefillMs(0, 5050), 520);
    }
  });

  test("the default is AIConfigurator's estimate as published, and says its TPs: prefill at TP 1, decode at TP 2", () => {
    const profile = defaultProfile();
    assert.deepEqual(profile.tp, { prefill: 1, decode: 2 });
    const perf = profilePerfModel(profile);
    const { prefill_isl, prefill_ttft } = AIC_QWEN3_32B_H200.prefill;
    assert.ok(Math.abs(perf.prefillPassMs + perf.prefillMs(0, prefill_isl[1]) - prefill_ttft[1]) < 1e-9);
    assert.equal(perf.decodeMs(0.11706804281345566 * 502_272, 350), 17.071);
  });

  test("a file that is no profile is named in one line, with what is wrong", () => {
    const dir = scratch();
    const cases: [string, Uint8Array | string, RegExp][] = [
      ["text.npz", "not a zip", /not a \.npz file/],
      ["missing.npz", npz({ prefill_isl: npy([1, 2]) }), /it has no prefill_ttft_ms array/],
      ["short.npz", zipSync({ "prefill_isl.npy": npy([1, 2]).slice(0, -8) }), /cut short/],
      ["header.npz", zipSync({ "prefill_isl.npy": npy([1, 2]).slice(0, 40) }), /header runs past the end/],
      [
        "empty.npz",
        npz({
          prefill_isl: npy([]),
          prefill_ttft_ms: npy([]),
          decode_active_kv_tokens: npy([0, 100_000]),
          decode_context_length: npy([1000, 5000]),
          decode_itl: npy([10, 12, 20, 24], [2, 2]),
        }),
        /prefill_isl: needs at least two points/,
      ],
      ["strings.npz", npz({ prefill_isl: npy([1, 2], [2], "<U8") }), /holds <U8 values, which this reader does not take/],
      ["nan.npz", mockerNpz([10, NaN, 20, 24]), /decode_itl holds a value that is not a finite number/],
    ];
    for (const [name, content, message] of cases) {
      writeFileSync(join(dir, name), content);
      assert.throws(() => loadProfile(join(dir, name)), message, name);
    }
    const emptyContexts = npz({
      prefill_isl: npy([100, 10_000]),
      prefill_ttft_ms: npy([20, 1020]),
      decode_active_kv_tokens: npy([0, 100_000]),
      decode_context_length: npy([]),
      decode_itl: npy([], [2, 0]),
    });
    writeFileSync(join(dir, "no-contexts.npz"), emptyContexts);
    assert.throws(() => loadProfile(join(dir, "no-contexts.npz")), /decode_context_length: has no points/);
    const raw = (prefill: object, decode: object) => {
      const at = scratch();
      writeFileSync(join(at, "prefill_raw_data.json"), JSON.stringify(prefill));
      writeFileSync(join(at, "decode_raw_data.json"), JSON.stringify(decode));
      return at;
    };
    const prefill = { prefill_isl: [100, 10_000], prefill_ttft: [20, 1020] };
    const decode = { x_kv_usage: [0, 0.5], y_context_length: [1000, 1000], z_itl: [10, 20], max_kv_tokens: 200_000 };
    for (const [at, message] of [
      [raw({ prefill_isl: [-5000, 100], prefill_ttft: [20, 30] }, decode), /prefill_isl: -5000 is not a token count from 0/],
      [raw({ prefill_isl: [100], prefill_ttft: [20] }, decode), /prefill_isl: needs at least two points/],
      [raw({ prefill_isl: [100, 200], prefill_ttft: [20, -3] }, decode), /prefill_ttft: -3 is not a time in ms/],
      [raw(prefill, { ...decode, x_kv_usage: [0, 90] }), /x_kv_usage: 90 is not a fraction of KV in use from 0 to 1/],
      [raw(prefill, { ...decode, y_context_length: [-1, -1] }), /y_context_length: -1 is not a token count/],
      [
        raw({ prefill_isl: [100, 200], prefill_ttft: [20, 1e300] }, decode),
        /prefill_ttft: 1e\+300 is not a time in ms from 0 to 10,000,000/,
      ],
    ] as const) {
      assert.throws(() => loadProfile(at), message);
    }
    const half = scratch();
    writeFileSync(join(half, "prefill_raw_data.json"), JSON.stringify(prefill));
    assert.throws(() => loadProfile(half), /holds .*prefill_raw_data\.json but no .*decode_raw_data\.json/);

    const json = scratch();
    writeFileSync(join(json, "prefill_raw_data.json"), JSON.stringify({ prefill_isl: [1, 1], prefill_ttft: [2, 3] }));
    writeFileSync(join(json, "decode_raw_data.json"), "{");
    assert.throws(() => loadProfile(json), /decode_raw_data\.json: not JSON/);
    writeFileSync(
      join(json, "decode_raw_data.json"),
      JSON.stringify({ x_kv_usage: [0], y_context_length: [1], z_itl: [1], max_kv_tokens: 1 }),
    );
    assert.throws(() => loadProfile(json), /prefill_isl: two points at 1/);
    assert.throws(() => loadProfile(scratch()), /holds no profile/);
    assert.ok(parseNpz(mockerNpz()).get("decode_itl"));
  });

  test("simulate --profile reads one, and names a bad one in one line", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "perf_data.npz"), mockerNpz());
    writeFileSync(join(dir, "bad.npz"), "nope");
    const trace = traceFile([...conversationTrace(50)]);
    const run = async (profile: string) => await runCli(["simulate", "--trace", trace, "-s", "disagg", "--profile", profile, "--json"]);
    const ok = await run(join(dir, "perf_data.npz"));
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(
      JSON.parse(ok.stdout).perfModel,
      `${join(dir, "perf_data.npz")}: prefill used as is at TP 2 (its source does not say which TP it is for); ` +
        "decode used as is at TP 2 (its source does not say which TP it is for)",
    );
    assert.match(JSON.parse((await run("mocker-polynomial")).stdout).perfModel, /mocker's default polynomials/);
    for (const profile of [join(dir, "bad.npz"), join(dir, "none.npz"), ""]) {
      const bad = await run(profile);
      assert.equal(bad.status, 1, profile);
      assert.match(bad.stderr, /^error: --profile: .*\n$/);
      assert.doesNotMatch(bad.stderr, STACK_TRACE);
    }
  });
});
