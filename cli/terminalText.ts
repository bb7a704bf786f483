/**
 * An error message as it may safely reach a terminal: control characters from a path or a value
 * (an escape sequence, a carriage return, a newline that would fake a second `error:` line) are
 * shown escaped. Newlines that start an indented line are the message's own list, and stay.
 */
export function terminalText(message: string): string {
  return message
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/\n(?! {2})/g, "\\n");
}
