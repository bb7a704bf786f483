import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forEachLine } from "../../lib/jsonLines";

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "dynamo-bench-lines-")), "lines.jsonl");
  writeFileSync(path, text);
  return path;
}

async function linesOf(path: string, dropValueArrays = false): Promise<[string, number][]> {
  const seen: [string, number][] = [];
  await forEachLine(path, (line, number) => seen.push([line, number]), { dropValueArrays });
  return seen;
}

test("every line arrives whole and numbered, across 4 MiB chunk boundaries", async () => {
  const lines = Array.from({ length: 3_000 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(3_000 + (i % 7)) }));
  const seen = await linesOf(file(lines.join("\n") + "\n"));
  assert.equal(seen.length, 3_000);
  seen.forEach(([line, number], index) => {
    assert.equal(number, index + 1);
    assert.equal(line, lines[index]);
  });
});

test("a line longer than two chunks arrives whole between its neighbours", async () => {
  const long = JSON.stringify({ pad: "y".repeat(9 * 2 ** 20) });
  const seen = await linesOf(file(`{"a":1}\n${long}\n{"b":2}\n`));
  assert.deepEqual(
    seen.map(([line, number]) => [line.length, number]),
    [
      [7, 1],
      [long.length, 2],
      [7, 3],
    ],
  );
  assert.equal(seen[1][0], long);
});

test("a last line without a newline is still read, as a truncated record would be", async () => {
  assert.deepEqual(await linesOf(file('{"a":1}\n{"b":')), [
    ['{"a":1}', 1],
    ['{"b":', 2],
  ]);
});

test("with dropValueArrays, array values are emptied, scalar values and other arrays are kept", async () => {
  const line =
    '{"metrics":{"inter_chunk_latency":{"value": [1.5,2.5,3.5],"unit":"ms"},' +
    '"time_to_first_token":{"value":12.5,"unit":"ms"}},"tags":[1,2]}';
  const [[unchanged]] = await linesOf(file(`${line}\n`));
  assert.equal(unchanged, line);
  const [[read]] = await linesOf(file(`${line}\n`), true);
  assert.deepEqual(JSON.parse(read), {
    metrics: { inter_chunk_latency: { value: [], unit: "ms" }, time_to_first_token: { value: 12.5, unit: "ms" } },
    tags: [1, 2],
  });
});

test("a line past the limit is reported by its number, never read into memory, and its neighbours still arrive", async () => {
  const long = JSON.stringify({ pad: "y".repeat(9 * 2 ** 20) });
  const seen: [string, number][] = [];
  const tooLong: number[] = [];
  await forEachLine(file(`{"a":1}\n${long}\n{"b":2}\n${long}`), (line, number) => seen.push([line, number]), {
    maxLineBytes: 5 * 2 ** 20,
    tooLong: (number) => tooLong.push(number),
  });
  assert.deepEqual(seen, [
    ['{"a":1}', 1],
    ['{"b":2}', 3],
  ]);
  assert.deepEqual(tooLong, [2, 4]);
});
