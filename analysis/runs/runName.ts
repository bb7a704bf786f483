/**
 * The one rule for a stack name or run id, which names a directory under results/: letters, digits,
 * '-', '_' and '.', not starting with '.' (so never "." or ".."), at most 100 characters. The stack
 * config, the CLI's --stack, the hook and every reader of run.json hold names to it.
 */
export const RUN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

export const RUN_NAME_RULE = "letters, digits, '-', '_' and '.', not starting with '.', at most 100 characters";

export function isRunName(name: string): boolean {
  return RUN_NAME.test(name);
}
