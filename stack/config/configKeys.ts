import { z } from "zod";
import type { FieldKind } from "./fields";
import { stackSchema, type Variant } from "./schema";

/** One key a stack file can set, such as `workers.decode.replicas`, and the kind of value it holds. */
export interface ConfigKey {
  path: string[];
  kind: FieldKind;
}

type Schema = z.core.$ZodType;

/** The schema inside `.default()`, `.prefault()` and `.optional()`. */
function unwrap(schema: Schema): Schema {
  let inner = schema;
  while (["default", "prefault", "optional"].includes(inner._zod.def.type)) {
    inner = (inner._zod.def as unknown as { innerType: Schema }).innerType;
  }
  return inner;
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const inner = unwrap(schema);
  return inner._zod.def.type === "object" ? (inner._zod.def as unknown as { shape: Record<string, Schema> }).shape : undefined;
}

/** Top-level keys whose value is a map of settings, which the engine hands to the program as JSON text. */
export function isSectionKey(name: string): boolean {
  return isTopLevelKey(name) && shapeOf(shapeOf(stackSchema("disagg"))![name]) !== undefined;
}

/** True when `name` is a top-level key of either variant; `constructor` and the like are not. */
export function isTopLevelKey(name: string): boolean {
  return Object.hasOwn(shapeOf(stackSchema("disagg"))!, name);
}

/** Every leaf key of a variant's config, with the kind of value it takes. */
export function configKeys(variant: Variant): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const walk = (shape: Record<string, Schema>, prefix: string[]) => {
    for (const [name, schema] of Object.entries(shape)) {
      const nested = shapeOf(schema);
      // An aggregated graph's `workers.prefill` exists only to refuse a value.
      if (unwrap(schema)._zod.def.type === "undefined") continue;
      if (nested) {
        walk(nested, [...prefix, name]);
        continue;
      }
      const kind = (z.globalRegistry.get(unwrap(schema) as z.ZodType)?.kind as FieldKind | undefined) ?? "text";
      keys.push({ path: [...prefix, name], kind });
    }
  };
  walk(shapeOf(stackSchema(variant))!, []);
  return keys;
}
