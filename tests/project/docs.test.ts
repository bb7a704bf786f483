import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";
import { DOC_PAGES } from "../support/docs";

const PAGES = ["README.md", ...DOC_PAGES.map((name) => join("docs", name))];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function headings(path: string): string[] {
  const text = readFileSync(path, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchor(heading));
}

test("the README fits on a few screens, and docs/ holds the rest", () => {
  const size = Buffer.byteLength(readFileSync(join(PROJECT_ROOT, "README.md")));
  assert.ok(size <= 12 * 1024, `README.md is ${size} bytes`);
});

for (const page of PAGES) {
  test(`every link in ${page} leads to a file and heading that exist`, () => {
    const text = readFileSync(join(PROJECT_ROOT, page), "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, fragment] = target.split("#");
      const path = file ? join(PROJECT_ROOT, dirname(page), file) : join(PROJECT_ROOT, page);
      assert.ok(existsSync(path), `${page}: ${target} leads nowhere`);
      if (fragment) assert.ok(headings(path).includes(fragment), `${page}: ${target} names no heading of ${file || page}`);
    }
  });
}
