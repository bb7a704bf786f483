import { loadClusterScripts } from "../../stack/clusterScriptFiles";

/** The real programs the stack ships to the cluster, read once per test process. */
export const SCRIPTS = loadClusterScripts();
