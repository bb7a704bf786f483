/**
 * The flags of Dynamo's mocker that this stack passes, as its argument parser takes them, with the
 * kind of value each takes: ai-dynamo/dynamo @ 5a510fec676d462aa0eebc6c3539b1621a141690 (the
 * 1.3.0 tree the 1.3.1 images are cut from), `components/src/dynamo/mocker/args.py`
 * `parse_args`. A test checks that every flag the builders write is here and its value parses.
 */
export const MOCKER_FLAGS = {
  "--model-path": "text",
  "--model-name": "text",
  "--block-size": "int",
  "--num-gpu-blocks-override": "int",
  "--speedup-ratio": "float",
  "--kv-bytes-per-token": "int",
  "--kv-transfer-bandwidth": "float",
  "--no-enable-prefix-caching": "switch",
  "--disaggregation-mode": ["agg", "prefill", "decode"],
} as const satisfies Record<string, "text" | "int" | "float" | "switch" | readonly string[]>;

export type MockerFlag = keyof typeof MOCKER_FLAGS;
