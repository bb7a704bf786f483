import { quote } from "shell-quote";
import type { StackConfig } from "./schema";

/** Shell text inserted as is, such as a command substitution. */
export interface RawShell {
  raw: string;
}

/**
 * A command line safe to paste: every word quoted as the shell needs, so a value such as
 * `prod; curl x | sh` stays one argument.
 */
export function shellCommand(...words: (string | RawShell)[]): string {
  return words.map((word) => (typeof word !== "string" ? word.raw : shellWord(word))).join(" ");
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One word as a shell reads it back. A word holding a control character (a newline in a path) is written
 * with ANSI-C quoting, `$'a\nb'` (bash, zsh, ksh), whose escapes survive the terminal's sanitizer: in
 * single quotes the newline itself would reach the shell, or be shown as `\n`, which it reads as two characters.
 */
function shellWord(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  if (!HAS_CONTROL.test(word)) return quote([word]);
  const escaped = word
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(CONTROL, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    });
  return `$'${escaped}'`;
}

/** Words no shell reads specially are left bare, for readability: shell-quote would escape `8000:8000`. */
const PLAIN_WORD = /^[A-Za-z0-9_\/:=.,@%+-]+$/;

/**
 * `kubectl` in the stack's context and namespace. A context stored as a secret is never printed:
 * the command reads it from the stack when it runs.
 */
export function kubectlCommand(
  config: Pick<StackConfig, "kubeContext" | "namespace" | "secretKeys">,
  stack: string,
  ...args: (string | RawShell)[]
): string {
  // One word, `--context=<value>`, so that a context starting with "-" is never read as a flag.
  const context: (string | RawShell)[] = !config.kubeContext
    ? []
    : config.secretKeys.includes("kubeContext")
      ? [{ raw: `--context="$(pulumi config get -s ${quote([stack])} kubeContext)"` }]
      : [`--context=${config.kubeContext}`];
  return shellCommand("kubectl", ...context, "-n", config.namespace, ...args);
}

/**
 * Text from outside (a library's error message) with every secret config value replaced, as written
 * and as JSON escapes it. Never applied to commands this program composes, which hold no secret.
 */
export function redactSecrets(text: string, config: Pick<StackConfig, "kubeContext" | "secretKeys">): string {
  if (!config.secretKeys.includes("kubeContext") || !config.kubeContext) return text;
  const forms = new Set([config.kubeContext, JSON.stringify(config.kubeContext).slice(1, -1)]);
  let redacted = text;
  for (const form of forms) redacted = redacted.split(form).join("[secret: dynamo-bench:kubeContext]");
  return redacted;
}
