import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { CacheName, PersistentVolumeClaims } from "../builders/storage";
import { asResourceArgs } from "./pulumiArgs";

export interface SharedStorageArgs {
  /** The claims from buildPersistentVolumeClaims. */
  claims: PersistentVolumeClaims;
  /** kubeconfig context; unset: the current context. */
  kubeContext?: pulumi.Input<string>;
  /** Delete model-cache and compilation-cache on destroy. Default: keep them. */
  deleteModelCache: boolean;
  /** Delete perf-cache, with every benchmark run, on destroy. Default: keep it. */
  deleteResults: boolean;
}

/**
 * The caches that both stacks use in one namespace. Either stack may create them first, so they go
 * through a provider that adopts existing objects (pulumi-kubernetes ≥ 4.29 refuses to otherwise),
 * and each stack's destroy leaves them in place unless its config asks.
 */
export class SharedStorage extends pulumi.ComponentResource {
  readonly claims: Record<CacheName, k8s.core.v1.PersistentVolumeClaim>;
  readonly claimNames: pulumi.Output<string[]>;

  constructor(name: string, args: SharedStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamo-bench:index:SharedStorage", name, {}, opts);
    const provider = new k8s.Provider(
      `${name}-adopting`,
      { context: args.kubeContext, upsertExistingObjects: true, enablePatchForce: true },
      { parent: this },
    );
    const keep: Record<CacheName, boolean> = {
      modelCache: !args.deleteModelCache,
      compilationCache: !args.deleteModelCache,
      perfCache: !args.deleteResults,
    };
    const claim = (cache: CacheName) =>
      new k8s.core.v1.PersistentVolumeClaim(
        args.claims[cache].metadata!.name!,
        asResourceArgs<k8s.core.v1.PersistentVolumeClaimArgs>(args.claims[cache]),
        {
          parent: this,
          provider,
          retainOnDelete: keep[cache],
        },
      );
    this.claims = { modelCache: claim("modelCache"), compilationCache: claim("compilationCache"), perfCache: claim("perfCache") };
    this.claimNames = pulumi.all(Object.values(this.claims).map((c) => c.metadata.name));
    this.registerOutputs({ claimNames: this.claimNames });
  }
}
