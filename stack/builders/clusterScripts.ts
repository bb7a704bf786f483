/**
 * The programs the stack ships to the cluster, as text: the builders put them into objects and
 * never read files themselves. `loadClusterScripts()` (stack/clusterScriptFiles.ts) reads them from
 * stack/builders/scripts/.
 */
export interface ClusterScripts {
  /** The benchmark Job's entrypoint, beside aiperf. */
  benchmarkPy: string;
  /** Imported by benchmark.py: the progress lines and the server metrics scrapes. */
  observePy: string;
  /** The model-download Job's shell script. */
  modelDownloadSh: string;
  /** The summarizer bundle (scripts/build-summary-bundle.ts), run by the benchmark Job's summary container. */
  summarizeJs: string;
}
