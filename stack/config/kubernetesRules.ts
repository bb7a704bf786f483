/**
 * What the API server and the container runtime accept, checked before anything is applied.
 *
 * Names: kubernetes/apimachinery pkg/util/validation/validation.go @ eed236ceee2c19c2753a3d93ac0631dc20750454
 * (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label) and pkg/api/validate/content/kube.go (label values,
 * qualified names). Quantities: pkg/api/resource/quantity.go (the grammar in its doc comment). Extended
 * resources: kubernetes/kubernetes pkg/apis/core/helper/helpers.go @ 78fc8e44052f699bf598f84b697b41e5a328c9c5
 * (IsExtendedResourceName). Images: distribution/reference regexp.go @ 0965666a6ade2e06035fe352e38344be1e68951a.
 */

export const INT32_MAX = 2_147_483_647;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export type NameRule = "dns1123Label" | "dns1123Subdomain" | "dns1035Label" | "labelValue";

const NAME_RULES: Record<NameRule, { pattern: RegExp; maxLength: number; says: string }> = {
  dns1123Label: {
    pattern: DNS1123_LABEL,
    maxLength: 63,
    says: "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  },
  dns1123Subdomain: {
    pattern: DNS1123_SUBDOMAIN,
    maxLength: 253,
    says:
      "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', " +
      "starting and ending with a letter or digit, at most 253 characters",
  },
  dns1035Label: {
    pattern: DNS1035_LABEL,
    maxLength: 63,
    says:
      "a DNS-1035 label: lower-case letters, digits and '-', " +
      "starting with a letter, ending with a letter or digit, at most 63 characters",
  },
  labelValue: {
    pattern: LABEL_VALUE,
    maxLength: 63,
    says: "a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters",
  },
};

/** What the rule requires, in words. */
export function nameRuleText(rule: NameRule): string {
  return NAME_RULES[rule].says;
}

export function nameRuleMaxLength(rule: NameRule): number {
  return NAME_RULES[rule].maxLength;
}

/** True when `name` is valid under `rule`, length included. */
export function followsNameRule(rule: NameRule, name: string): boolean {
  const { pattern, maxLength } = NAME_RULES[rule];
  return name.length <= maxLength && pattern.test(name);
}

/**
 * <quantity> ::= <signedNumber><suffix>, with suffixes Ki..Ei, n u m "" k M G T P E, or an exponent
 * e<signedNumber>. Only positive quantities make sense for sizes and CPUs.
 */
const QUANTITY = /^\+?(?<number>[0-9]+\.?[0-9]*|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE](?<exponent>[-+]?[0-9]+))?$/;

/** A quantity > 0; its exponent, if any, must fit an int32, as the API server's parser requires. */
export function isPositiveQuantity(text: string): boolean {
  const match = QUANTITY.exec(text);
  if (match === null || !(Number(match.groups!.number) > 0)) return false;
  const exponent = match.groups!.exponent;
  return exponent === undefined || Math.abs(Number(exponent)) <= INT32_MAX;
}

/**
 * An extended resource name such as `rdma/ib` or `nvidia.com/gpu`: a domain prefix (a DNS-1123
 * subdomain outside kubernetes.io), '/', and a name part; "requests.<name>" must also be a
 * qualified name, since resource quotas refer to it so.
 */
export function isExtendedResourceName(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash === -1) return false;
  const prefix = text.slice(0, slash);
  const name = text.slice(slash + 1);
  return (
    followsNameRule("dns1123Subdomain", prefix) &&
    `requests.${prefix}`.length <= 253 &&
    !text.includes("kubernetes.io/") &&
    !text.startsWith("requests.") &&
    name.length <= 63 &&
    QUALIFIED_NAME_PART.test(name)
  );
}

// The reference grammar: [domain[:port]/]path-component(/path-component)*[:tag][@digest].
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
// The grammar takes any algorithm; a pull needs a registered one with its length (opencontainers/go-digest).
const DIGEST = "(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})";
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?(?<path>${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`);

/** An image reference the runtime can pull: lower-case repository path, optional tag and digest. */
export function isImageReference(text: string): boolean {
  const match = IMAGE_REFERENCE.exec(text);
  return match !== null && match.groups!.path.length <= 255;
}
