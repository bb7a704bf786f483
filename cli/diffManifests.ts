import { manifestChanges } from "../stack/review/manifestChanges";
import { changesMarkdown, changesText, hasChanges } from "../stack/review/formatChanges";
import { UserError } from "../lib/userError";

export interface DiffManifestsOptions {
  markdown?: boolean;
  json?: boolean;
  exitCode?: boolean;
}

export async function diffManifestsCommand(baseDir: string, headDir: string, options: DiffManifestsOptions): Promise<void> {
  let changes;
  try {
    changes = manifestChanges(baseDir, headDir);
  } catch (error) {
    // As with `git diff --exit-code`, 1 means "changed": trouble must not look like a change.
    if (options.exitCode && error instanceof UserError) throw new UserError(error.message, 2);
    throw error;
  }
  if (options.json) process.stdout.write(`${JSON.stringify(changes, null, 2)}\n`);
  else process.stdout.write(options.markdown ? changesMarkdown(changes) : changesText(changes));
  if (options.exitCode && hasChanges(changes)) process.exitCode = 1;
}
