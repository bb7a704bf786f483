import yaml from "js-yaml";

/**
 * A stack file read the way the Pulumi CLI reads it: go-yaml v3 resolves each plain scalar
 * (resolve.go `resolve`, go-yaml/yaml @ f6f7691b1fdeb513f56608cd2c32c51f8194bf51), and Pulumi then
 * turns each value into the text it hands the program (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8,
 * sdk/go/common/resource/config/object.go `unmarshalObject` and `MarshalString`):
 * - `010` is octal 8, `0x1F` 31, `1_000` 1000, `12345678901234567890` keeps every digit (uint64);
 * - `True` and `TRUE` are booleans, `yes` is text; `~`, `null` and nothing are null;
 * - `2024-01-01` is a timestamp, handed over as Go prints a time ("2024-01-01 00:00:00 +0000 UTC");
 * - `.inf` and `.nan` cannot be handed over at all (encoding/json refuses them).
 */

/** A YAML number, with the digits Go would write for it in JSON, and the Go type yaml.v3 decodes it to. */
export class GoNumber {
  constructor(
    readonly json: string,
    readonly goType: "int" | "uint64" | "float64",
  ) {}
}

/** A YAML timestamp, as Go's time.String prints it. */
export class GoTime {
  constructor(readonly text: string) {}
}

/** `.inf`, `-.inf` or `.nan`: Pulumi fails to hand these to the program. */
export class GoNonFinite {
  constructor(readonly text: string) {}
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): a sign, then 0b/0o/0x, a leading 0 (octal), or decimal. */
function goInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return sign === "" && value <= UINT64_MAX ? value : undefined;
}

/** strconv.FormatFloat as encoding/json writes a float64: shortest digits, exponent below 1e-6 and from 1e21. */
function goFloatJson(value: number): string {
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIMESTAMP_DATE = String.raw`(?<year>[0-9]{4})-(?<month>[0-9]{1,2})-(?<day>[0-9]{1,2})`;
const TIMESTAMP_SEPARATOR = String.raw`(?:(?<t>[Tt])|(?<space> ))`;
const TIMESTAMP_CLOCK = String.raw`(?<hour>[0-9]{1,2}):(?<minute>[0-9]{1,2}):(?<second>[0-9]{1,2})`;
const TIMESTAMP_FRACTION = String.raw`(?:\.(?<fraction>[0-9]{1,9}))?`;
const TIMESTAMP_ZONE = String.raw`(?<zone>Z|[+-][0-9]{2}:[0-9]{2})?`;
const TIMESTAMP = new RegExp(`^${TIMESTAMP_DATE}(?:${TIMESTAMP_SEPARATOR}${TIMESTAMP_CLOCK}${TIMESTAMP_FRACTION}${TIMESTAMP_ZONE})?$`);

/** parseTimestamp: the four layouts go-yaml tries with time.Parse, which also checks the ranges. */
function goTimestamp(text: string): GoTime | undefined {
  const parts = TIMESTAMP.exec(text)?.groups;
  if (!parts) return undefined;
  const hasTime = parts.hour !== undefined;
  // "2006-1-2T15:4:5Z07:00" needs a zone; "2006-1-2 15:4:5" takes none.
  if (hasTime && (parts.t !== undefined) !== (parts.zone !== undefined)) return undefined;
  const [year, month, day] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0)) return undefined;
  const [hour, minute, second] = [Number(parts.hour ?? 0), Number(parts.minute ?? 0), Number(parts.second ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const two = (n: number) => String(n).padStart(2, "0");
  const fraction = (parts.fraction ?? "").replace(/0+$/, "");
  const zone =
    parts.zone === undefined || parts.zone === "Z" ? "+0000 UTC" : `${parts.zone.replace(":", "")} ${parts.zone.replace(":", "")}`;
  return new GoTime(
    `${parts.year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${fraction ? `.${fraction}` : ""} ${zone}`,
  );
}

/** go-yaml v3's `resolve` for a plain scalar; quoted scalars never come here, and stay text. */
function resolveScalar(text: string): unknown {
  if (["", "~", "null", "Null", "NULL"].includes(text)) return null;
  if (["true", "True", "TRUE"].includes(text)) return true;
  if (["false", "False", "FALSE"].includes(text)) return false;
  if ([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"].includes(text)) {
    return new GoNonFinite(text);
  }
  if (text.startsWith(".")) {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text))
      ? new GoNumber(goFloatJson(Number(text)), "float64")
      : text;
  }
  if (!/^[-+0-9]/.test(text)) return text;
  const timestamp = goTimestamp(text);
  if (timestamp) return timestamp;
  const plain = text.replaceAll("_", "");
  const integer = goInteger(plain);
  if (integer !== undefined) return new GoNumber(integer.toString(), integer <= INT64_MAX ? "int" : "uint64");
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return new GoNumber(goFloatJson(Number(plain)), "float64");
  return text;
}

/** A type that takes a scalar when go-yaml would resolve it to something `accepts` approves. */
function scalarType(tag: string, accepts: (value: unknown, text: string) => boolean) {
  return new yaml.Type(tag, {
    kind: "scalar",
    resolve: (data: string | null) => accepts(resolveScalar(data ?? ""), data ?? ""),
    construct: (data: string | null) => resolveScalar(data ?? ""),
  });
}

const implicit = scalarType("tag:yaml.org,2002:go-resolved", (value, text) => value !== text);

/** Explicit tags, as go-yaml honours them: `!!int 010` is 8, `!!str 010` stays text. */
const explicit = [
  scalarType("tag:yaml.org,2002:int", (value) => value instanceof GoNumber && value.goType !== "float64"),
  scalarType("tag:yaml.org,2002:float", (value) => value instanceof GoNumber || value instanceof GoNonFinite),
  scalarType("tag:yaml.org,2002:bool", (value) => typeof value === "boolean"),
  scalarType("tag:yaml.org,2002:null", (value) => value === null),
  scalarType("tag:yaml.org,2002:timestamp", (value) => value instanceof GoTime),
  new yaml.Type("tag:yaml.org,2002:binary", {
    kind: "scalar",
    resolve: (data: string | null) => data !== null && /^[A-Za-z0-9+/=\s]*$/.test(data),
    construct: (data: string) => Buffer.from(data.replace(/\s/g, ""), "base64").toString("utf8"),
  }),
];

/** Plain scalars resolved as go-yaml v3 resolves them, explicit tags, and merge keys. */
export const GO_YAML_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [implicit, mergeType()], explicit });

/** js-yaml's own `<<` merge type; its typings (@types/js-yaml 4.0.9) leave `types` out. */
function mergeType(): yaml.Type {
  return (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;
}

/** What Go's time.String makes of a YAML timestamp, which Pulumi hands over in its place. */
export const GO_TIME_TEXT = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})? [+-][0-9]{4} \S+$/;

/** A loaded value as JSON text, as Go's encoding/json writes it; undefined when Pulumi could not write it. */
export function goJson(value: unknown): string | undefined {
  if (value instanceof GoNumber) return value.json;
  if (value instanceof GoTime) return JSON.stringify(value.text);
  if (value instanceof GoNonFinite) return undefined;
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map(goJson);
    return items.includes(undefined) ? undefined : `[${items.join(",")}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, goJson(item)] as const);
  if (entries.some(([, item]) => item === undefined)) return undefined;
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${item}`).join(",")}}`;
}
