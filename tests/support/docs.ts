import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../cli/stackFiles";

/** The README and every page of docs/, as users read them. */
export const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");

export function docPage(name: string): string {
  return readFileSync(join(PROJECT_ROOT, "docs", name), "utf8");
}

/** The README and docs/ together: where a documented command or table may be. */
export const ALL_DOCS = [README, ...readdirSync(join(PROJECT_ROOT, "docs")).sort().map(docPage)].join("\n");
