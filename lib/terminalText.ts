/**
 * Control characters (an escape sequence, a carriage return, a backspace) and the characters that reorder or split what
 * a terminal shows (bidirectional overrides and isolates, line and paragraph separators). Newlines are left to each
 * function below.
 */
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A character as its escape: `\x1b`, `\u202e`. */
const escaped = (c: string) => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/**
 * Text from a file as it may safely reach a terminal, its line breaks kept: a saved summary.md, a table. Nothing in
 * it can drive the terminal or hide what follows.
 */
export function terminalLines(text: string): string {
  return text.replace(HIDDEN, escaped);
}

/** Text from a file or a path, shown as one line or one table cell: a newline in it is shown escaped too. */
export function terminalLine(text: string): string {
  return terminalLines(text).replace(/\n/g, "\\n");
}

/**
 * An error message as it may safely reach a terminal: control characters from a path or a value
 * (an escape sequence, a carriage return, a newline that would fake a second `error:` line) are
 * shown escaped. Newlines that start an indented line are the message's own list, and stay.
 */
export function terminalText(message: string): string {
  return terminalLines(message).replace(/\n(?! {2})/g, "\\n");
}

/**
 * JSON text as it may safely reach a terminal, and still the same JSON: JSON.stringify leaves DEL, the C1 controls and
 * the characters above raw inside strings, and each becomes its \u escape, which reads back as the same character.
 */
export function terminalJson(json: string): string {
  return json.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
