import type { z } from "zod";
import { firstIssue } from "./zodMessages";

/** A JSON file's text, parsed and checked; throws an Error naming the field that is wrong, as one line. */
export function parseJsonText<T>(schema: z.ZodType<T>, text: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(firstIssue(parsed.error));
  return parsed.data;
}
