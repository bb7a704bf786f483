import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { asResourceArgs } from "./pulumiArgs";

export interface BenchmarkArgs {
  /** The ConfigMap from buildBenchmarkScripts. */
  scripts: IConfigMap;
  /** The Job from buildBenchmarkJob, once the run id is drawn. */
  job: pulumi.Output<IJob>;
  /** Hooks on the Job, such as fetching its summary once it completes. */
  jobHooks?: pulumi.ResourceHookBinding;
}

/** One benchmark run: aiperf replays the trace against the graph, then the run is summarized. */
export class Benchmark extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: BenchmarkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamo-bench:index:Benchmark", name, {}, opts);
    // Children do not inherit a component's dependsOn: the scripts wait for the graph, the Job for the scripts.
    const scripts = new k8s.core.v1.ConfigMap(args.scripts.metadata!.name!, asResourceArgs<k8s.core.v1.ConfigMapArgs>(args.scripts), {
      parent: this,
      dependsOn: opts?.dependsOn,
    });
    // One logical Job whose name carries the run id: a new run replaces the last Job, never its artifacts.
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      asResourceArgs<k8s.batch.v1.JobArgs>({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: args.job.apply((job) => job.metadata),
        spec: args.job.apply((job) => job.spec),
      }),
      { parent: this, dependsOn: [scripts], hooks: args.jobHooks },
    );
    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
