import { GoNumber } from "./pulumiYaml";

/**
 * The types Pulumi.yaml can declare for a config key, checked as Pulumi checks them
 * (pulumi/pulumi @ 1b5949891b3cefcb9974752b24a5ecef0acc86c8, sdk/go/common/workspace/project.go
 * `ValidateConfigValue` and `InferFullTypeName`), on a value as a stack file or Pulumi.yaml loads it,
 * or as the engine's JSON gives it back.
 */

export interface ConfigItemsType {
  type: string;
  items?: ConfigItemsType;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** `array<integer>` for a list of whole numbers, else the type's own name. */
export function configTypeName(type: string, items: ConfigItemsType | undefined): string {
  return items ? `array<${configTypeName(items.type, items.items)}>` : type;
}

/** strconv.Atoi: an optional sign and decimal digits that fit an int64. */
function isGoInt(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** A Go int, or a float64 with no fraction (YAML and JSON give floats), or text that parses as an int. */
function isWhole(value: unknown): boolean {
  if (value instanceof GoNumber) return value.goType === "int" || (value.goType === "float64" && Number.isInteger(Number(value.json)));
  if (typeof value === "number") return Number.isInteger(value);
  return typeof value === "string" && isGoInt(value);
}

function isMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

export function isConfigValueOfType(type: string, items: ConfigItemsType | undefined, value: unknown): boolean {
  if (type === "string") return typeof value === "string";
  if (type === "integer") return isWhole(value);
  if (type === "boolean") return value === "true" || value === "false" || typeof value === "boolean";
  if (type === "object") return isMap(value);
  if (!Array.isArray(value) || items === undefined) return false;
  return value.every((item) => isConfigValueOfType(items.type, items.items, item));
}
