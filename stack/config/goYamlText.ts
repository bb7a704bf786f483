/**
 * A YAML file as Pulumi reads it: its bytes with a UTF-8 byte order mark removed
 * (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8, sdk/go/common/workspace/loaders.go
 * `readFileStripUTF8BOM`), then go-yaml v3.0.1's `yaml.Unmarshal` (go-yaml/yaml @ f6f7691b1fdeb513f56608cd2c32c51f8194bf51).
 */

/** Thrown when the bytes are not text go-yaml reads; the message says why, as one line. */
export class YamlTextError extends Error {}

/**
 * The file's text, decoded as go-yaml's reader decodes it (readerc.go `yaml_parser_determine_encoding`):
 * a UTF-16 byte order mark, little- or big-endian, makes it UTF-16; anything else is UTF-8. Bytes that
 * are not such text are refused, as go-yaml refuses them ("invalid leading UTF-8 octet", "incomplete
 * UTF-16 character"), rather than read with a replacement character in their place.
 */
export function goYamlText(bytes: Buffer): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return new TextDecoder("utf-16be", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const encoding = bytes[0] === 0xff || bytes[0] === 0xfe ? "UTF-16 (its byte order mark says so)" : "UTF-8";
    throw new YamlTextError(`it is not ${encoding} text; save it as UTF-8`);
  }
}

/** A line that is a document marker: `---` or `...` at the start of a line, then a space, a tab or the line's end. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/;
const DOCUMENT_END = /^\.\.\.(?=[ \t\r\n]|$)/;

/**
 * The stream's first document, which is all `yaml.Unmarshal` reads (yaml.go `unmarshal` parses one
 * document and stops): whatever follows the `---` or `...` that ends it, even a second document, is
 * ignored, so a stack file ending in `---` is read as it would be without it. A `...` before the
 * document begins is skipped, as go-yaml's parser skips it (parserc.go `yaml_parser_parse_document_start`).
 * The lines kept stay where they were, so that a problem's line number is the file's.
 */
export function firstDocument(text: string): string {
  const lines = text.split(/(?<=\r\n|\n|\r(?!\n))/);
  let started = false;
  const kept: string[] = [];
  for (const line of lines) {
    if (!started) {
      if (DOCUMENT_END.test(line)) {
        kept.push(line.replace(/^[^\r\n]*/, ""));
        continue;
      }
      started = DOCUMENT_START.test(line) || (!/^[ \t]*(#.*)?(\r\n|\n|\r)?$/.test(line) && !line.startsWith("%"));
    } else if (DOCUMENT_START.test(line) || DOCUMENT_END.test(line)) {
      break;
    }
    kept.push(line);
  }
  return kept.join("");
}
