import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackObjects } from "../builders/stackObjects";

export interface DynamoGraphArgs {
  /** The DynamoGraphDeployment from buildDynamoGraph. */
  graph: StackObjects["dynamoGraph"];
}

/** The frontend and vLLM workers, run by the Dynamo operator; `pulumi up` waits until the graph is Ready. */
export class DynamoGraph extends pulumi.ComponentResource {
  readonly graph: k8s.apiextensions.CustomResource;

  constructor(name: string, args: DynamoGraphArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dynamo-bench:index:DynamoGraph", name, {}, opts);
    // Children do not inherit a component's dependsOn; the engine must see it on the graph itself.
    this.graph = new k8s.apiextensions.CustomResource(args.graph.metadata.name!, args.graph, {
      parent: this,
      dependsOn: opts?.dependsOn,
    });
    this.registerOutputs({ graphName: this.graph.metadata.name });
  }
}
