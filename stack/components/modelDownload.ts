import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { asResourceArgs } from "./pulumiArgs";

export interface ModelDownloadArgs {
  /** The Job from buildModelDownloadJob. */
  job: IJob;
}

/** Fills the model cache once; `pulumi up` waits for the Job to complete. */
export class ModelDownload extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: ModelDownloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamo-bench:index:ModelDownload", name, {}, opts);
    // Children do not inherit a component's dependsOn; the engine must see it on the Job itself.
    // The Job keeps its name across replacements, so the old one must go first.
    this.job = new k8s.batch.v1.Job(args.job.metadata!.name!, asResourceArgs<k8s.batch.v1.JobArgs>(args.job), {
      parent: this,
      dependsOn: opts?.dependsOn,
      deleteBeforeReplace: true,
    });
    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
