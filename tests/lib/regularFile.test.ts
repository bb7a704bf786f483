import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { entryAt, notASearchableDirectory, readRegularFile } from "../../lib/regularFile";

const scratch = () => mkdtempSync(join(tmpdir(), "dynamo-bench-regular-"));

describe("readRegularFile with a size cap", () => {
  test("reads a file at the cap, and refuses one a byte over with its size and the cap", () => {
    const path = join(scratch(), "summary.json");
    writeFileSync(path, "x".repeat(1024));
    assert.equal(readRegularFile(path, { maxBytes: 1024, what: "a summary.json" }).length, 1024);
    writeFileSync(path, "x".repeat(1025));
    assert.throws(() => readRegularFile(path, { maxBytes: 1024, what: "a summary.json" }), {
      message: "it is 1,025 bytes, more than the 1,024 bytes a summary.json can be",
    });
    assert.equal(readRegularFile(path).length, 1025, "no cap unless asked for");
  });
});

describe("entryAt: what is at a path", () => {
  test("nothing, a file, something else, or why it cannot be told", () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "");
    mkdirSync(join(dir, "folder"));
    symlinkSync("loop", join(dir, "loop"));
    symlinkSync("absent", join(dir, "dangling"));
    assert.equal(entryAt(join(dir, "none")), "nothing");
    assert.equal(entryAt(join(dir, "file")), "file");
    assert.equal(entryAt(join(dir, "folder")), "other");
    assert.throws(() => entryAt(join(dir, "loop")), { message: "its symbolic links loop" });
    assert.throws(() => entryAt(join(dir, "dangling")), { message: "it is a symbolic link to nothing" });
  });
});

describe("notASearchableDirectory", () => {
  test("says what a path is when it is not a directory to open files in", () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "");
    symlinkSync("loop", join(dir, "loop"));
    assert.equal(notASearchableDirectory(dir), undefined);
    assert.equal(notASearchableDirectory(join(dir, "none")), "no such directory");
    assert.equal(notASearchableDirectory(join(dir, "file")), "it is a file, not a directory");
    assert.equal(notASearchableDirectory(join(dir, "loop")), "its symbolic links loop");
    assert.equal(notASearchableDirectory("/dev/null"), "it is not a directory");
  });
});
