/**
 * Text from a file or a directory name, made safe to print: control and format characters (a
 * terminal's escape sequences among them) become "?", and it is cut to `max` characters.
 */
export function printable(text: string, max = 60): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}]/gu, "?");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
