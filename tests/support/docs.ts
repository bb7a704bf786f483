import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";

/** The README and every page of docs/, as users read them. */
export const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");

export function docPage(name: string): string {
  return readFileSync(join(PROJECT_ROOT, "docs", name), "utf8");
}

/** Every Markdown page under docs/, as a path from docs/, in order. */
export const DOC_PAGES: string[] = readdirSync(join(PROJECT_ROOT, "docs"), { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".md"))
  .sort();

/** The README and docs/ together: where a documented command or table may be. */
export const ALL_DOCS = [README, ...DOC_PAGES.map(docPage)].join("\n");
