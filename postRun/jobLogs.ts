/** Reads a container's log from the pods of a Job, as `kubectl logs job/<name> -c <container>` would. */
export interface JobLogReader {
  containerLog(namespace: string, jobName: string, container: string): Promise<string>;
}

/** A reader through the Kubernetes API, with the user's kubeconfig and the stack's context. */
export function kubernetesJobLogs(kubeContext?: string): JobLogReader {
  return {
    async containerLog(namespace, jobName, container) {
      // Loaded here so that preview, render and the tests never pay for the client.
      const k8s = await import("@kubernetes/client-node");
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromDefault();
      if (kubeContext) kubeConfig.setCurrentContext(kubeContext);
      const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
      const createdAt = (pod: (typeof pods.items)[number]) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
      const newest = pods.items.filter((pod) => pod.metadata?.name).sort((a, b) => createdAt(b) - createdAt(a))[0];
      if (!newest) throw new Error(`no pod of Job ${jobName} in namespace ${namespace}`);
      return core.readNamespacedPodLog({ namespace, name: newest.metadata!.name!, container });
    },
  };
}
