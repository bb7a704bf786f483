import { z } from "zod";
import type { NpyArray } from "./npz";

/**
 * Engine timings in the form Dynamo's planner profiler measures them, which its mocker replays
 * with `--planner-profile-data` (ai-dynamo/dynamo `lib/mocker/src/common/perf_model.rs`,
 * `components/src/dynamo/mocker/utils/planner_profiler_perf_data_converter.py` @ 11218371):
 * - prefill: the time to first token of one request alone, by its input length;
 * - decode: the inter-token latency, by the tokens active in KV and the context length. Kept as
 *   rows, one per context length, each over active KV tokens.
 */
export interface PerfProfile {
  /** Where the figures come from, as shown to the user. */
  source: string;
  prefill: { inputTokens: number[]; ttftMs: number[] };
  decode: { rows: DecodeRow[] };
  /** The TP each half was measured at, where the file says so; absent, it says neither. */
  tp?: ProfileTp;
}

export interface ProfileTp {
  prefill: number | null;
  decode: number | null;
}

export interface DecodeRow {
  contextLength: number;
  activeKvTokens: number[];
  itlMs: number[];
}

const numbers = (what: string) =>
  z.array(z.number({ error: `${what}: must hold finite numbers` }), {
    error: `${what}: must be a list of numbers`,
  });

/** `prefill_raw_data.json`, or the arrays of `selected_prefill_interpolation/raw_data.npz`. */
export const prefillRawData = z.object({
  prefill_isl: numbers("prefill_isl"),
  prefill_ttft: numbers("prefill_ttft"),
  prefill_thpt_per_gpu: numbers("prefill_thpt_per_gpu").optional(),
});

/** `decode_raw_data.json`, or the arrays of `selected_decode_interpolation/raw_data.npz`: a cloud of points. */
export const decodeRawData = z.object({
  x_kv_usage: numbers("x_kv_usage"),
  y_context_length: numbers("y_context_length"),
  z_itl: numbers("z_itl"),
  max_kv_tokens: z.number({ error: "max_kv_tokens: must be a number" }).positive({ error: "max_kv_tokens: must be above 0" }),
});

function sameLength(what: string, lists: Record<string, number[]>): void {
  const lengths = Object.values(lists).map((list) => list.length);
  if (lengths[0] === 0) throw new Error(`${what}: has no points`);
  if (lengths.some((length) => length !== lengths[0])) {
    throw new Error(`${what}: ${Object.keys(lists).join(", ")} must be as long as each other (${lengths.join(", ")})`);
  }
}

/** Sorts points by x, refusing two at the same x: an interpolation through them has no single answer. */
function sortedPoints(what: string, xs: number[], ys: number[]): { xs: number[]; ys: number[] } {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  for (let i = 1; i < order.length; i++) {
    if (xs[order[i]] === xs[order[i - 1]]) throw new Error(`${what}: two points at ${xs[order[i]]}`);
  }
  return { xs: order.map((i) => xs[i]), ys: order.map((i) => ys[i]) };
}

/** The names a profile's arrays go by in the file it came from, for messages. */
export interface ProfileNames {
  inputTokens: string;
  ttft: string;
  activeKv: string;
  context: string;
  itl: string;
}

const RAW_NAMES: ProfileNames = {
  inputTokens: "prefill_isl",
  ttft: "prefill_ttft",
  activeKv: "x_kv_usage",
  context: "y_context_length",
  itl: "z_itl",
};
const MOCKER_NAMES: ProfileNames = {
  inputTokens: "prefill_isl",
  ttft: "prefill_ttft_ms",
  activeKv: "decode_active_kv_tokens",
  context: "decode_context_length",
  itl: "decode_itl",
};

/** Bounds no real engine crosses: a ms time past about three hours, a length past a hundred million tokens. */
const MAX_MS = 1e7;
const MAX_TOKENS = 1e8;
const MAX_KV_TOKENS = 1e12;

function within(name: string, values: number[], min: number, max: number, unit: string): void {
  const bad = values.find((value) => !(value >= min && value <= max));
  if (bad !== undefined) throw new Error(`${name}: ${bad} is not a ${unit} from ${min} to ${max.toLocaleString("en-US")}`);
}

/**
 * Refuses a profile that no engine could have measured, naming the array: too few points to draw
 * a line through, or values out of bounds, which would predict nonsense without a word.
 */
function checked(profile: PerfProfile, names: ProfileNames): PerfProfile {
  const { prefill, decode } = profile;
  if (prefill.inputTokens.length < 2) throw new Error(`${names.inputTokens}: needs at least two points to draw TTFT through`);
  within(names.inputTokens, prefill.inputTokens, 0, MAX_TOKENS, "token count");
  within(names.ttft, prefill.ttftMs, 0, MAX_MS, "time in ms");
  if (decode.rows.length === 0) throw new Error(`${names.context}: has no points`);
  within(
    names.context,
    decode.rows.map((row) => row.contextLength),
    0,
    MAX_TOKENS,
    "token count",
  );
  for (const row of decode.rows) {
    if (row.activeKvTokens.length === 0) throw new Error(`${names.activeKv}: has no points`);
    within(names.activeKv, row.activeKvTokens, 0, MAX_KV_TOKENS, "token count");
    within(names.itl, row.itlMs, 0, MAX_MS, "time in ms");
  }
  return profile;
}

/**
 * The profiler writes each prefill point's throughput per GPU, isl / ttft / GPUs × 1000 × attention DP
 * (ai-dynamo/dynamo@4cba833f `components/src/dynamo/profiler/utils/profile_prefill.py`), so the GPUs
 * of the worker it measured follow from the point; for a dense model (attention DP 1) they are its TP.
 * Null when the points do not agree on one whole number: then the file does not say.
 */
function prefillTp(raw: z.infer<typeof prefillRawData>): number | null {
  const perGpu = raw.prefill_thpt_per_gpu;
  if (perGpu === undefined || perGpu.length !== raw.prefill_isl.length) return null;
  const gpus = raw.prefill_isl.map((isl, i) => ((isl / raw.prefill_ttft[i]) * 1000) / perGpu[i]);
  const tp = Math.round(gpus[0]);
  return tp >= 1 && gpus.every((value) => Math.abs(value - tp) < 0.01 * tp) ? tp : null;
}

function prefillFrom(raw: z.infer<typeof prefillRawData>): PerfProfile["prefill"] {
  sameLength("prefill", { prefill_isl: raw.prefill_isl, prefill_ttft: raw.prefill_ttft });
  const { xs, ys } = sortedPoints("prefill_isl", raw.prefill_isl, raw.prefill_ttft);
  return { inputTokens: xs, ttftMs: ys };
}

/**
 * The profiler's decode points, one row per context length. The profiler sweeps the number of
 * requests at each of a few context lengths, so its points fall on such rows; the mocker's
 * converter instead fits a 100 × 100 grid through them with scipy's cubic griddata.
 */
function decodeFromRaw(raw: z.infer<typeof decodeRawData>): PerfProfile["decode"] {
  sameLength("decode", { x_kv_usage: raw.x_kv_usage, y_context_length: raw.y_context_length, z_itl: raw.z_itl });
  within("x_kv_usage", raw.x_kv_usage, 0, 1, "fraction of KV in use");
  const byContext = new Map<number, { xs: number[]; ys: number[] }>();
  raw.y_context_length.forEach((context, i) => {
    const row = byContext.get(context) ?? { xs: [], ys: [] };
    row.xs.push(raw.x_kv_usage[i] * raw.max_kv_tokens);
    row.ys.push(raw.z_itl[i]);
    byContext.set(context, row);
  });
  const rows = [...byContext.entries()]
    .sort(([a], [b]) => a - b)
    .map(([contextLength, row]) => {
      const { xs, ys } = sortedPoints(`decode at context ${contextLength}`, row.xs, row.ys);
      return { contextLength, activeKvTokens: xs, itlMs: ys };
    });
  return { rows };
}

export function profileFromRawData(source: string, prefill: unknown, decode: unknown): PerfProfile {
  const parsedPrefill = prefillRawData.safeParse(prefill);
  if (!parsedPrefill.success) throw new Error(`prefill: ${parsedPrefill.error.issues[0].message}`);
  const parsedDecode = decodeRawData.safeParse(decode);
  if (!parsedDecode.success) throw new Error(`decode: ${parsedDecode.error.issues[0].message}`);
  const tp = { prefill: prefillTp(parsedPrefill.data), decode: null };
  return checked({ source, prefill: prefillFrom(parsedPrefill.data), decode: decodeFromRaw(parsedDecode.data), tp }, RAW_NAMES);
}

function vector(arrays: Map<string, NpyArray>, name: string, length?: number): number[] {
  const array = arrays.get(name);
  if (!array) throw new Error(`it has no ${name} array`);
  if (array.shape.length !== 1 || (length !== undefined && array.shape[0] !== length)) {
    throw new Error(`${name} has shape (${array.shape.join(", ")}), not (${length ?? "n"},)`);
  }
  return [...array.data];
}

/** The profiler's raw arrays, as `profile_prefill.py` and `profile_decode.py` save them. */
export function profileFromRawArrays(source: string, prefill: Map<string, NpyArray>, decode: Map<string, NpyArray>): PerfProfile {
  const maxKvTokens = vector(decode, "max_kv_tokens", 1)[0];
  return profileFromRawData(
    source,
    {
      prefill_isl: vector(prefill, "prefill_isl"),
      prefill_ttft: vector(prefill, "prefill_ttft"),
      ...(prefill.has("prefill_thpt_per_gpu") && { prefill_thpt_per_gpu: vector(prefill, "prefill_thpt_per_gpu") }),
    },
    {
      x_kv_usage: vector(decode, "x_kv_usage"),
      y_context_length: vector(decode, "y_context_length"),
      z_itl: vector(decode, "z_itl"),
      max_kv_tokens: maxKvTokens,
    },
  );
}

/** The mocker's own `perf_data.npz`: decode_itl is a grid indexed [active KV tokens, context length]. */
export function profileFromMockerArrays(source: string, arrays: Map<string, NpyArray>): PerfProfile {
  const inputTokens = vector(arrays, "prefill_isl");
  const ttftMs = vector(arrays, "prefill_ttft_ms", inputTokens.length);
  const activeKv = vector(arrays, "decode_active_kv_tokens");
  const contexts = vector(arrays, "decode_context_length");
  const itl = arrays.get("decode_itl");
  if (!itl) throw new Error("it has no decode_itl array");
  if (itl.shape.length !== 2 || itl.shape[0] !== activeKv.length || itl.shape[1] !== contexts.length) {
    throw new Error(`decode_itl has shape (${itl.shape.join(", ")}), not (${activeKv.length}, ${contexts.length})`);
  }
  const finite = (name: string, values: ArrayLike<number>) => {
    if (!Array.prototype.every.call(values, Number.isFinite)) throw new Error(`${name} holds a value that is not a finite number`);
  };
  const all = { prefill_isl: inputTokens, prefill_ttft_ms: ttftMs, decode_active_kv_tokens: activeKv, decode_context_length: contexts };
  for (const [name, values] of Object.entries(all)) finite(name, values);
  finite("decode_itl", itl.data);
  const prefill = sortedPoints("prefill_isl", inputTokens, ttftMs);
  const rows = contexts.map((contextLength, column) => {
    const { xs, ys } = sortedPoints(
      `decode at context ${contextLength}`,
      activeKv,
      activeKv.map((_, row) => itl.data[row * contexts.length + column]),
    );
    return { contextLength, activeKvTokens: xs, itlMs: ys };
  });
  sortedPoints("decode_context_length", contexts, contexts);
  rows.sort((a, b) => a.contextLength - b.contextLength);
  return checked({ source, prefill: { inputTokens: prefill.xs, ttftMs: prefill.ys }, decode: { rows } }, MOCKER_NAMES);
}
