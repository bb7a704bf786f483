import { config } from "zod/mini";
import { en } from "zod/v4/locales";

// zod/mini reports every issue as "Invalid input" until a locale is loaded; loading it here, where
// issues are turned into text, makes every zod/mini schema say what it expected.
config(en());

/** A failed parse's first issue as one line: where it is and what was expected. */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return `${issue.path.map(String).join(".") || "the value"}: ${issue.message}`;
}
