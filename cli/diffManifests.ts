import { manifestChanges } from "../review/manifestChanges";
import { changesMarkdown, changesText } from "../review/formatChanges";

export async function diffManifestsCommand(baseDir: string, headDir: string, options: { markdown?: boolean; json?: boolean }): Promise<void> {
  const changes = manifestChanges(baseDir, headDir);
  if (options.json) process.stdout.write(`${JSON.stringify(changes, null, 2)}\n`);
  else process.stdout.write(options.markdown ? changesMarkdown(changes) : changesText(changes));
}
