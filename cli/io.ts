import { terminalJson, terminalLines } from "../lib/terminalText";

/**
 * Where a command writes: `out` carries data only (YAML, JSON or a table), and `err` warnings,
 * progress and errors. The process's own streams when run as `dynamo-bench`; a test's buffers when
 * a test runs the command in its own process.
 */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Is `out` a terminal, which a progress bar can be redrawn on? */
  isTerminal?: boolean;
}

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get isTerminal() {
    return process.stdout.isTTY === true;
  },
};

/**
 * `io` for a command that prints what saved files hold (a unit, a name, a note): nothing in them reaches the terminal
 * as a control character, on either stream. `json`: `out` carries JSON, kept valid.
 */
export function sanitizedIo(io: CommandIo, json = false): CommandIo {
  return {
    ...io,
    out: (text) => io.out(json ? terminalJson(text) : terminalLines(text)),
    err: (text) => io.err(terminalLines(text)),
  };
}
