import { z } from "zod";
import { INT32_MAX } from "./kubernetesRules";

/**
 * The kinds of value a config key holds, each taking every form in which the Pulumi CLI stores it.
 *
 * `pulumi config set --path` types a value only when it is "true", "false", or a whole number
 * without a leading zero; anything else, "0.9" and "007" included, is stored as text
 * (sdk/go/common/resource/config/object.go `coerce`, pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8).
 * `--type int|float|bool|string` (Pulumi ≥ 3.148) and hand-written YAML give the other forms. So a
 * number may arrive as text, and text as a number or a boolean: each kind takes them all.
 */
export type FieldKind = "text" | "number" | "whole number" | "true/false";

/** A decimal number as text: "8", "0.9", "-1", "1e3". */
const NUMERAL = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

function numberFromText(value: unknown): unknown {
  return typeof value === "string" && NUMERAL.test(value) ? Number(value) : value;
}

function booleanFromText(value: unknown): unknown {
  return value === "true" ? true : value === "false" ? false : value;
}

/** `--path runKey 2` stores the number 2, meaning the text "2". A number past 2^53 has lost digits already. */
function textFromTyped(value: unknown): unknown {
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number" && Number.isFinite(value) && !(Number.isInteger(value) && !Number.isSafeInteger(value))) {
    return String(value);
  }
  return value;
}

function textError(issue: { input?: unknown }): string {
  if (typeof issue.input === "number") {
    return (
      "must be text; a number this large has lost digits in Pulumi's config. " +
      "Store it as text: pulumi config set --path --type string <key> <value>"
    );
  }
  return `must be text (got ${issue.input === null ? "null" : typeof issue.input})`;
}

/** Text of 1 to `maxLength` characters; `rule` then says what else the text must be. */
export function text(maxLength: number) {
  return z
    .preprocess(
      textFromTyped,
      z
        .string({ error: textError })
        .min(1, { error: "must not be empty" })
        .max(maxLength, { error: `must be at most ${maxLength} characters` }),
    )
    .meta({ kind: "text" });
}

/** Text that `accepts` approves, after the length checks; `says` names what is allowed. */
export function textThat(maxLength: number, accepts: (value: string) => boolean, says: string | ((value: string) => string)) {
  return z
    .preprocess(
      textFromTyped,
      z
        .string({ error: textError })
        .min(1, { error: "must not be empty" })
        .max(maxLength, { error: `must be at most ${maxLength} characters` })
        .refine(
          (value) => {
            // Too long is reported already; a long value is never matched against a pattern.
            if (value.length > maxLength) return true;
            try {
              return accepts(value);
            } catch {
              return false;
            }
          },
          { error: (issue) => (typeof says === "string" ? says : says(String(issue.input))) },
        ),
    )
    .meta({ kind: "text" });
}

export function textEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.preprocess(textFromTyped, z.enum(values, { error: `must be one of: ${values.join(", ")}` })).meta({ kind: "text" });
}

/** A whole number in [min, max]; int32 by default, as Kubernetes counts are. */
export function wholeNumber(min: number, max = INT32_MAX) {
  const says = `must be a whole number from ${min} to ${max}`;
  return z
    .preprocess(numberFromText, z.int({ error: says }).min(min, { error: says }).max(max, { error: says }))
    .meta({ kind: "whole number" });
}

/** Minutes that Kubernetes or pulumi-kubernetes counts in seconds, which must fit an int32. */
export function minutes() {
  return wholeNumber(1, Math.floor(INT32_MAX / 60));
}

/** A number > 0, such as a fraction or a size in GB. */
export function positiveNumber(max = Number.MAX_SAFE_INTEGER) {
  const says = `must be a number > 0 and ≤ ${max}`;
  return z.preprocess(numberFromText, z.number({ error: says }).gt(0, { error: says }).lte(max, { error: says })).meta({ kind: "number" });
}

export function flag() {
  return z
    .preprocess(booleanFromText, z.boolean({ error: 'must be true or false (a boolean, or the text "true" or "false")' }))
    .meta({ kind: "true/false" });
}
