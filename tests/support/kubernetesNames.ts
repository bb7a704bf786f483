import {
  followsNameRule,
  isExtendedResourceName,
  isImageReference,
  isPositiveQuantity,
  type NameRule,
} from "../../stack/config/kubernetesRules";
import type { KubernetesObject } from "../../stack/builders/stackObjects";
import { operatorNames } from "../../stack/config/names";
import type { StackConfig } from "../../stack/config/schema";
import { compareQuantities } from "../../lib/quantity";

/** The rule the API server holds each kind's metadata.name to. A Job's name is also its pods' job-name label. */
const NAME_RULE: Record<string, NameRule> = {
  PersistentVolumeClaim: "dns1123Subdomain",
  Secret: "dns1123Subdomain",
  ConfigMap: "dns1123Subdomain",
  Job: "labelValue",
  DynamoGraphDeployment: "dns1123Subdomain",
  ServiceAccount: "dns1123Subdomain",
  // RBAC names need only be path segments (ValidateRBACName): held here to the stricter rule, which they follow.
  Role: "dns1123Subdomain",
  RoleBinding: "dns1123Subdomain",
};

const NATIVE_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage", "storage"]);

/**
 * Every name, label, image and quantity in the objects that Kubernetes would refuse, as
 * "<kind>/<name> <where>: <value>"; empty when the API server would accept them all.
 */
export function invalidValues(objects: KubernetesObject[], config: StackConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, where: string, value: unknown) => {
    if (!ok) problems.push(`${where}: ${JSON.stringify(value)}`);
  };
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata?.name}`;
    const rule = NAME_RULE[object.kind];
    check(rule !== undefined && followsNameRule(rule, object.metadata?.name ?? ""), `${id} metadata.name`, object.metadata?.name);
    check(followsNameRule("dns1123Label", object.metadata?.namespace ?? ""), `${id} metadata.namespace`, object.metadata?.namespace);
    walk(object, [], (path, value, parent) => {
      const where = `${id} ${path.join(".")}`;
      const key = path[path.length - 1];
      if (path.at(-2) === "labels") check(typeof value === "string" && followsNameRule("labelValue", value), where, value);
      if (key === "image") check(typeof value === "string" && isImageReference(value), where, value);
      if (key === "storageClassName") check(typeof value === "string" && followsNameRule("dns1123Subdomain", value), where, value);
      if (key === "claimName") check(typeof value === "string" && followsNameRule("dns1123Subdomain", value), where, value);
      if (key === "name" && ["containers", "initContainers", "volumes", "volumeMounts"].includes(String(path.at(-3)))) {
        check(typeof value === "string" && followsNameRule("dns1123Label", value), where, value);
      }
      const resourceKey = ["requests", "limits", "custom"].includes(String(path.at(-2))) && typeof parent === "object";
      if (resourceKey && typeof key === "string" && typeof value !== "object") {
        check(NATIVE_RESOURCES.has(key) || key === "gpu" || isExtendedResourceName(key), `${where} (resource name)`, key);
        check(typeof value === "string" && isPositiveQuantity(value), where, value);
      }
      if (typeof value === "number") check(Number.isInteger(value) ? Math.abs(value) <= 2 ** 31 - 1 : true, where, value);
      // Every container with both: the API server refuses a request above its limit.
      if (key === "requests" && typeof parent === "object" && parent !== null && "limits" in parent) {
        const limits = (parent as { limits: Record<string, unknown> }).limits;
        for (const [resource, request] of Object.entries(value as Record<string, unknown>)) {
          const limit = limits[resource];
          if (typeof request === "string" && typeof limit === "string") {
            check((compareQuantities(request, limit) ?? 1) <= 0, `${where}.${resource} (above its limit ${limit})`, request);
          }
        }
      }
    });
  }
  for (const derived of operatorNames(config)) {
    check(followsNameRule(derived.rule, derived.name), `operator: ${derived.what}`, derived.name);
  }
  return problems;
}

function walk(
  value: unknown,
  path: (string | number)[],
  visit: (path: (string | number)[], value: unknown, parent: unknown) => void,
  parent?: unknown,
): void {
  if (path.length > 0) visit(path, value, parent);
  if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index], visit, value));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit, value);
  }
}
