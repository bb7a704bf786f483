import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { StackConfig } from "../config/schema";
import { AWAIT, sharedMeta } from "./metadata";

/** The recipe's claim names, which the graph's spec.pvcs and the Jobs refer to. */
export const PVC_NAMES = {
  modelCache: "model-cache",
  compilationCache: "compilation-cache",
  perfCache: "perf-cache",
} as const;
export type CacheName = keyof typeof PVC_NAMES;

export type PersistentVolumeClaims = Record<CacheName, IPersistentVolumeClaim>;

function persistentVolumeClaim(config: StackConfig, name: string, size: string): IPersistentVolumeClaim {
  const { storageClassName, accessMode } = config.storage;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    // Binding is the first consumer's business: with a WaitForFirstConsumer class, waiting here
    // for "Bound" would deadlock, since the consumer (the download Job) waits for this claim.
    metadata: sharedMeta(config, name, { [AWAIT.skipAwait]: "true" }),
    spec: {
      accessModes: [accessMode],
      ...(storageClassName !== undefined && { storageClassName }),
      resources: { requests: { storage: size } },
    },
  };
}

export function buildPersistentVolumeClaims(config: StackConfig): PersistentVolumeClaims {
  const { modelCacheSize, compilationCacheSize, perfCacheSize } = config.storage;
  return {
    modelCache: persistentVolumeClaim(config, PVC_NAMES.modelCache, modelCacheSize),
    compilationCache: persistentVolumeClaim(config, PVC_NAMES.compilationCache, compilationCacheSize),
    perfCache: persistentVolumeClaim(config, PVC_NAMES.perfCache, perfCacheSize),
  };
}
