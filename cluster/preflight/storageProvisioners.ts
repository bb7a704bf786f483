/**
 * Whether a StorageClass's provisioner can give ReadWriteMany volumes. Kubernetes does not say: a
 * StorageClass has no access modes, and a claim learns only when it stays Pending. So this is a
 * table of the common CSI drivers, by their documented modes; any other is "unknown".
 */
export type ReadWriteMany = "yes" | "no" | "unknown";

/** File systems, which every node can mount at once. */
const SHARED_FILE_SYSTEMS = [
  "nfs.csi.k8s.io",
  "efs.csi.aws.com",
  "fsx.csi.aws.com",
  "filestore.csi.storage.gke.io",
  "lustre.csi.storage.gke.io",
  "gcsfuse.csi.storage.gke.io",
  "file.csi.azure.com",
  "kubernetes.io/azure-file",
  "azurelustre.csi.azure.com",
  "cephfs.csi.ceph.com",
  "driver.longhorn.io",
  "juicefs.csi.juicefs.io",
  "csi.weka.io",
  "csi.vastdata.com",
  "spectrumscale.csi.ibm.com",
  "beegfs.csi.netapp.com",
  "exa.csi.ddn.com",
];

/** Block devices, which one node mounts at a time. */
const BLOCK_DEVICES = [
  "ebs.csi.aws.com",
  "ebs.csi.eks.amazonaws.com",
  "kubernetes.io/aws-ebs",
  "pd.csi.storage.gke.io",
  "kubernetes.io/gce-pd",
  "disk.csi.azure.com",
  "kubernetes.io/azure-disk",
  "rbd.csi.ceph.com",
  "rancher.io/local-path",
  "kubernetes.io/no-provisioner",
  "openebs.io/local",
  "topolvm.io",
  "cinder.csi.openstack.org",
  "dobs.csi.digitalocean.com",
];

/** A driver by its name, or a deployment's prefix of it: rook-ceph.cephfs.csi.ceph.com is cephfs.csi.ceph.com. */
function isDriver(provisioner: string, driver: string): boolean {
  return provisioner === driver || provisioner.endsWith(`.${driver}`);
}

export function readWriteMany(provisioner: string): ReadWriteMany {
  if (SHARED_FILE_SYSTEMS.some((driver) => isDriver(provisioner, driver)) || /(^|[./-])nfs([./-]|$)/i.test(provisioner)) return "yes";
  if (BLOCK_DEVICES.some((driver) => isDriver(provisioner, driver))) return "no";
  return "unknown";
}
