import { z } from "zod";
import { readStackFile } from "../stack/config/stackFile";
import { readStackConfig } from "../stack/config/stackConfig";
import { openKubernetesApi } from "../lib/kubernetesApi";
import { UserError } from "../lib/userError";
import { textTable } from "../lib/table";
import { stackNeeds } from "../cluster/preflight/stackNeeds";
import { preflightPassed, runPreflight } from "../cluster/preflight/preflight";
import { checkPulumiCli } from "../cluster/preflight/pulumiCli";
import type { CheckResult } from "../cluster/preflight/checks";
import { stackFilePath } from "./stackFiles";
import { kubeContextOf } from "./kubeContext";
import { terminalText } from "../lib/terminalText";
import type { CommandIo } from "./io";

const preflightOptions = z.object({
  stack: z.string().optional(),
  configFile: z.string().optional(),
  context: z.string().min(1, { error: "--context: give a kubeconfig context's name" }).optional(),
  requestTimeout: z
    .string()
    .default("10")
    .check(z.regex(/^\d+(\.\d+)?$/, { error: "--request-timeout: give a number of seconds" }))
    .transform(Number)
    .pipe(
      z
        .number({ error: "--request-timeout: at most 600 seconds" })
        .positive({ error: "--request-timeout: give a number of seconds above 0" })
        .max(600, { error: "--request-timeout: at most 600 seconds" }),
    ),
  json: z.boolean().optional(),
});
export type PreflightOptions = z.input<typeof preflightOptions>;

export function preflightTable(results: readonly CheckResult[]): string {
  const rows = results.flatMap((result) => {
    const row = [result.check, result.outcome === "pass" ? "pass" : result.outcome.toUpperCase(), terminalText(result.found)];
    return result.fix && result.outcome !== "pass" ? [row, ["", "", `fix: ${terminalText(result.fix)}`]] : [row];
  });
  return textTable({ header: ["check", "result", "found"], align: ["left", "left", "left"], rows });
}

/** `preflight`: read-only checks of the cluster the stack would run on; exit 1 when one fails. */
export async function preflightCommand(raw: PreflightOptions, io: CommandIo): Promise<number> {
  const parsed = preflightOptions.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  const options = parsed.data;
  const path = stackFilePath(options);
  const file = readStackFile(path);
  const config = readStackConfig({ description: path, stack: file.stack, entries: file.entries });
  const context = kubeContextOf(file.stack, config.kubeContext, options.context);
  const limits = { requestTimeoutMs: options.requestTimeout * 1000, totalTimeoutMs: 6 * options.requestTimeout * 1000 };
  const results = await runPreflight(
    () => openKubernetesApi(context, limits),
    stackNeeds(file.stack, config),
    () => checkPulumiCli(),
  );
  const passed = preflightPassed(results);
  if (options.json) {
    io.out(`${JSON.stringify({ stack: file.stack, passed, checks: results }, null, 2)}\n`);
  } else {
    io.out(`${preflightTable(results)}\n`);
    const failed = results.filter((result) => result.outcome === "fail").length;
    const warned = results.filter((result) => result.outcome === "warn").length;
    io.out(
      passed
        ? `\nReady for \`pulumi up -s ${file.stack}\`${warned > 0 ? `, with ${warned} warning${warned > 1 ? "s" : ""} to read` : ""}.\n`
        : `\n${failed} check${failed > 1 ? "s" : ""} failed: fix ${failed > 1 ? "them" : "it"} before \`pulumi up -s ${file.stack}\`.\n`,
    );
  }
  return passed ? 0 : 1;
}
