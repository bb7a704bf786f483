import { createHash } from "node:crypto";
import type { KubernetesObject } from "../builders/stackObjects";

/** The benchmark ConfigMap's key for the summarizer bundle (stack/builders/scripts/summarize.js). */
export const BUNDLE_KEY = "summarize.js";

/** The bundle by identity: its digest and size, which a reviewer can compare and a diff can show. */
export function bundleIdentity(bundle: string): string {
  const digest = createHash("sha256").update(bundle).digest("hex");
  const kilobytes = Math.round(Buffer.byteLength(bundle) / 1024);
  return `<bundle sha256:${digest}, ${kilobytes} KB, built from summary/ by npm run build>`;
}

const IDENTITY = /^<bundle sha256:([0-9a-f]{64}), (\d+ KB), built from summary\/ by npm run build>$/;

/** A bundle identity as a diff shows it, `sha256:4f1173aa994d… (80 KB)`; undefined for other text. */
export function shortBundleIdentity(text: string): string | undefined {
  const match = IDENTITY.exec(text);
  return match ? `sha256:${match[1].slice(0, 12)}… (${match[2]})` : undefined;
}

/**
 * An object as the committed render shows it for review: the same, except that the minified
 * summarizer bundle, some 80 KB on two lines that no diff can show, appears by identity. What is
 * applied carries the bundle itself.
 */
export function reviewForm(object: KubernetesObject): KubernetesObject {
  const data = (object as { data?: Record<string, string> }).data;
  if (object.kind !== "ConfigMap" || data?.[BUNDLE_KEY] === undefined) return object;
  return { ...object, data: { ...data, [BUNDLE_KEY]: bundleIdentity(data[BUNDLE_KEY]) } } as KubernetesObject;
}
