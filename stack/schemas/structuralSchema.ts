import { Validator, type Schema } from "@cfworker/json-schema";

/**
 * The structural schema of one version of a CustomResourceDefinition (openAPIV3Schema without its
 * prose), and the checks the API server makes with it: types, required fields, enums and bounds,
 * and pruning, which silently drops every field the schema does not know
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning).
 */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: boolean | StructuralSchema;
  items?: StructuralSchema;
  required?: string[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  [keyword: string]: unknown;
}

/** One version of a CustomResourceDefinition, as its YAML lists it. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  schema: { openAPIV3Schema: unknown };
}

/** Keywords that say what a value is; everything else (descriptions, examples, defaults, CEL rules) is left out. */
const STRUCTURAL_KEYWORDS = new Set([
  "type",
  "format",
  "nullable",
  "enum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "anyOf",
  "allOf",
  "oneOf",
  "not",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
]);

/** The schema with only its structural keywords, at every level. */
export function structuralOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structuralOnly);
  if (typeof schema !== "object" || schema === null) return schema;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!STRUCTURAL_KEYWORDS.has(key)) continue;
    if (key === "properties") {
      kept[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, structuralOnly(sub)]));
    } else {
      kept[key] = structuralOnly(value);
    }
  }
  return kept;
}

/** Fields the API server would drop, by their paths in the object. */
export function prunedFields(schema: StructuralSchema, value: unknown, path = ""): string[] {
  if (Array.isArray(value)) {
    return schema.items ? value.flatMap((item, index) => prunedFields(schema.items!, item, `${path}[${index}]`)) : [];
  }
  if (typeof value !== "object" || value === null) return [];
  const pruned: string[] = [];
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = schema["x-kubernetes-embedded-resource"] === true;
  for (const [key, item] of Object.entries(value)) {
    // The root's metadata is ObjectMeta, which the API server checks itself, whatever the CRD says.
    if (path === "" && key === "metadata") continue;
    const at = path ? `${path}.${key}` : key;
    const known = schema.properties?.[key];
    if (known) {
      pruned.push(...prunedFields(known, item, at));
    } else if (typeof schema.additionalProperties === "object") {
      pruned.push(...prunedFields(schema.additionalProperties, item, at));
    } else if (!(preserve || schema.additionalProperties === true || (embedded && ["apiVersion", "kind", "metadata"].includes(key)))) {
      pruned.push(at);
    }
  }
  return pruned;
}

/** The keys of a JSON pointer such as "#/properties/spec", unescaped. */
function pointerKeys(pointer: string): string[] {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** A path as prunedFields writes it: `spec.pvcs[0].size`, an array's items by index. */
function pathIn(object: unknown, keys: string[]): string {
  let path = "";
  let at = object;
  for (const key of keys) {
    path += Array.isArray(at) ? `[${key}]` : path ? `.${key}` : key;
    at = (at as Record<string, unknown> | undefined)?.[key];
  }
  return path;
}

/** The part of a schema at a JSON pointer. */
function schemaAt(schema: unknown, pointer: string): unknown {
  return pointerKeys(pointer).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], schema);
}

/** Errors that only say a part below them failed; the part's own error says what. */
const WRAPPER_KEYWORDS = new Set([
  "properties",
  "additionalProperties",
  "patternProperties",
  "items",
  "additionalItems",
  "prefixItems",
  "$ref",
  "allOf",
]);

/**
 * A validator for objects of one CRD version: every problem as "<path>: <what is wrong>". An
 * interpreting validator, which walks only the object's own fields: a compiling one (ajv) spent
 * 0.2–0.6 s on a DynamoGraphDeployment schema, with its PodSpecs, in every `render` and `pulumi up`.
 * The OpenAPI schema's exclusive bounds are draft 4's booleans. Kubernetes' own keywords are not
 * JSON Schema; the validator skips them, and prunedFields reads them.
 */
export function crdValidator(schema: StructuralSchema): (object: unknown) => string[] {
  const validator = new Validator(schema as Schema, "4", false);
  return (object) => {
    const problems: string[] = [];
    for (const error of validator.validate(object).errors) {
      if (WRAPPER_KEYWORDS.has(error.keyword)) continue;
      const at = pathIn(object, pointerKeys(error.instanceLocation)) || "(the object)";
      // The validator does not say which pattern; the API server's message does.
      const message =
        error.keyword === "pattern"
          ? error.error.replace(/pattern\.$/, `pattern ${JSON.stringify(schemaAt(schema, error.keywordLocation))}.`)
          : error.error;
      problems.push(`${at}: ${message}`);
    }
    for (const field of prunedFields(schema, object)) {
      problems.push(`${field}: not in the schema; the API server would silently drop it`);
    }
    return problems;
  };
}
