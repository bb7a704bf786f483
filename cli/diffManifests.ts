import { manifestChanges } from "../stack/review/manifestChanges";
import { changesMarkdown, changesText, hasChanges } from "../stack/review/formatChanges";
import { UserError } from "../lib/userError";
import type { CommandIo } from "./io";

export interface DiffManifestsOptions {
  markdown?: boolean;
  json?: boolean;
  exitCode?: boolean;
}

export async function diffManifestsCommand(
  baseDir: string,
  headDir: string,
  options: DiffManifestsOptions,
  io: CommandIo,
): Promise<number> {
  let changes;
  try {
    changes = manifestChanges(baseDir, headDir);
  } catch (error) {
    // As with `git diff --exit-code`, 1 means "changed": trouble must not look like a change.
    if (options.exitCode && error instanceof UserError) throw new UserError(error.message, 2);
    throw error;
  }
  if (options.json) io.out(`${JSON.stringify(changes, null, 2)}\n`);
  else io.out(options.markdown ? changesMarkdown(changes) : changesText(changes));
  return options.exitCode && hasChanges(changes) ? 1 : 0;
}
