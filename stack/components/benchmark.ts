import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { BenchmarkAccess } from "../builders/benchmarkAccess";
import { asResourceArgs } from "./pulumiArgs";

export interface BenchmarkArgs {
  /** The ConfigMap from buildBenchmarkScripts. */
  scripts: IConfigMap;
  /** The ServiceAccount, Role and RoleBinding from buildBenchmarkAccess. */
  access: BenchmarkAccess;
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
    const { serviceAccount, role, roleBinding } = args.access;
    const child = { parent: this, dependsOn: opts?.dependsOn };
    const account = new k8s.core.v1.ServiceAccount(
      serviceAccount.metadata!.name!,
      asResourceArgs<k8s.core.v1.ServiceAccountArgs>(serviceAccount),
      child,
    );
    const podReader = new k8s.rbac.v1.Role(`${role.metadata!.name!}-role`, asResourceArgs<k8s.rbac.v1.RoleArgs>(role), child);
    const binding = new k8s.rbac.v1.RoleBinding(
      `${roleBinding.metadata!.name!}-binding`,
      asResourceArgs<k8s.rbac.v1.RoleBindingArgs>(roleBinding),
      { parent: this, dependsOn: [account, podReader] },
    );
    // One logical Job whose name carries the run id: a new run replaces the last Job, never its artifacts.
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      asResourceArgs<k8s.batch.v1.JobArgs>({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: args.job.apply((job) => job.metadata),
        spec: args.job.apply((job) => job.spec),
      }),
      { parent: this, dependsOn: [scripts, binding], hooks: args.jobHooks },
    );
    this.registerOutputs({ jobName: this.job.metadata.name });
  }
}
