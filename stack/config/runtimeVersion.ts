/**
 * The Dynamo version an image runs, as the operator reads it: newer operators refuse a graph whose
 * image tag holds no semantic version unless each service sets `runtimeVersionOverride`
 * (deploy/operator/internal/runtimeversion/runtimeversion.go, ai-dynamo/dynamo @ 373eb71634c85ccb89343c8aeb7e043e172af5d9:
 * `imageTagPattern`, and `Parse`, which takes the override with semver.StrictNewVersion).
 */
const SEMVER_CORE = "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)";
const PRERELEASE = "(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?";
const BUILD = "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?";

const IMAGE_TAG_VERSION = new RegExp(`^[vV]?${SEMVER_CORE}${PRERELEASE}${BUILD}$`);

/** The tag of an image reference, digest left aside; "" when it has none. */
function imageTag(image: string): string {
  const reference = image.split("@")[0];
  const lastColon = reference.lastIndexOf(":");
  return lastColon > reference.lastIndexOf("/") ? reference.slice(lastColon + 1) : "";
}

const UINT64_MAX = 2n ** 64n - 1n;

/** True when the operator can read a Dynamo version from the image's tag; semver's numbers must fit a uint64. */
export function imageTagHasVersion(image: string): boolean {
  const match = IMAGE_TAG_VERSION.exec(imageTag(image));
  return match !== null && match.slice(1, 4).every((number) => BigInt(number) <= UINT64_MAX);
}

/** The major.minor.patch an image's tag names, if it names one. */
export function imageTagVersion(image: string): string | undefined {
  const match = IMAGE_TAG_VERSION.exec(imageTag(image));
  return match ? match.slice(1, 4).join(".") : undefined;
}

/**
 * True for a version the operator takes as an override: "1.3.1", never "v1.3.1" or "1.4.0-rc1".
 * The CRD's own pattern (v1alpha1 @ 01cc1c3b) is narrower than the newest operator's parser, and wins.
 */
export function isOverrideVersion(text: string): boolean {
  return /^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$/.test(text);
}
