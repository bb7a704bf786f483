import { join } from "node:path";
import { entryAt, notASearchableDirectory, readRegularFile, readRegularFileBytes } from "../lib/regularFile";
import { parseNpz, type NpyArray } from "./npz";
import { profileFromMockerArrays, profileFromRawArrays, profileFromRawData, type PerfProfile } from "./perfProfile";

/** A profile is a few thousand numbers; a file far larger is something else. */
const MAX_PROFILE_BYTES = 64 * 2 ** 20;
const CAP = { maxBytes: MAX_PROFILE_BYTES, what: "a profile" };

/** The file's arrays; an Error that names the file when it cannot be read as an .npz. */
function npzAt(path: string): Map<string, NpyArray> {
  try {
    return parseNpz(readRegularFileBytes(path, CAP));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

function jsonAt(path: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path, CAP);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
}

/** Both files of a pair, or an Error naming the one that is missing. */
function pair(prefill: string, decode: string): void {
  for (const [file, other] of [
    [prefill, decode],
    [decode, prefill],
  ]) {
    if (entryAt(file) === "nothing") throw new Error(`holds ${other} but no ${file}`);
  }
}

/**
 * Dynamo's profiler output in each form the mocker's `--planner-profile-data` takes: the mocker's
 * `perf_data.npz`, a profiler results directory (`selected_prefill_interpolation/raw_data.npz` and
 * `selected_decode_interpolation/raw_data.npz`), or a directory with the planner's
 * `prefill_raw_data.json` and `decode_raw_data.json`. Throws an Error saying what is wrong.
 */
export function loadProfile(path: string): PerfProfile {
  if (notASearchableDirectory(path) !== undefined) {
    const arrays = npzAt(path);
    return profileFromMockerArrays(path, arrays);
  }
  const prefillNpz = join(path, "selected_prefill_interpolation", "raw_data.npz");
  const decodeNpz = join(path, "selected_decode_interpolation", "raw_data.npz");
  const prefillJson = join(path, "prefill_raw_data.json");
  const decodeJson = join(path, "decode_raw_data.json");
  const present = (file: string) => entryAt(file) !== "nothing";
  if (present(prefillNpz) || present(decodeNpz)) {
    pair(prefillNpz, decodeNpz);
    return profileFromRawArrays(path, npzAt(prefillNpz), npzAt(decodeNpz));
  }
  if (present(prefillJson) || present(decodeJson)) {
    pair(prefillJson, decodeJson);
    return profileFromRawData(path, jsonAt(prefillJson), jsonAt(decodeJson));
  }
  if (present(join(path, "perf_data.npz"))) return profileFromMockerArrays(path, npzAt(join(path, "perf_data.npz")));
  throw new Error(
    "holds no profile: give the mocker's perf_data.npz, a profiler results directory " +
      "(selected_prefill_interpolation/raw_data.npz and selected_decode_interpolation/raw_data.npz), " +
      "or a directory with prefill_raw_data.json and decode_raw_data.json",
  );
}
