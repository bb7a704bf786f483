import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { PROJECT, type StackConfig } from "../config/schema";

/** pulumi-kubernetes reads these annotations to decide how `pulumi up` waits on an object. */
export const AWAIT = {
  skipAwait: "pulumi.com/skipAwait",
  waitFor: "pulumi.com/waitFor",
  timeoutSeconds: "pulumi.com/timeoutSeconds",
  replaceUnready: "pulumi.com/replaceUnready",
} as const;

export function minutesToSeconds(minutes: number): string {
  return String(minutes * 60);
}

/** Metadata for an object that both stacks apply: nothing in it may differ between them. */
export function sharedMeta(config: StackConfig, name: string, annotations?: Record<string, string>): ObjectMeta {
  return {
    name,
    namespace: config.namespace,
    labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PROJECT },
    ...(annotations && { annotations }),
  };
}

/** Metadata for an object that one stack owns. */
export function stackMeta(config: StackConfig, name: string, annotations?: Record<string, string>): ObjectMeta {
  const meta = sharedMeta(config, name, annotations);
  return { ...meta, labels: { ...meta.labels, [`${PROJECT}/variant`]: config.variant } };
}

/**
 * Marks an object as one stack's own. pulumi-kubernetes applies it with this stack's field manager
 * (`pulumi.com/patchFieldManager`), so the stack adopts what an interrupted `up` of its own left
 * behind; and the stack's name, a field that manager owns, differs from any other stack's, so an
 * object another stack applied (the same graph name in the same namespace) is a conflict, never
 * silently taken over: the cluster provider upserts without forcing (stack/index.ts).
 */
export function ownedByStack<Object extends { metadata?: ObjectMeta }>(object: Object, stack: string): Object {
  const annotations = { ...object.metadata?.annotations, [OWNER.fieldManager]: `${PROJECT}-${stack}`, [OWNER.stack]: stack };
  return { ...object, metadata: { ...object.metadata, annotations } };
}

export const OWNER = { fieldManager: "pulumi.com/patchFieldManager", stack: `${PROJECT}/stack` } as const;
