import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { crdValidator, prunedFields, structuralOnly, type StructuralSchema } from "../../stack/schemas/structuralSchema";

const SCHEMA = structuralOnly({
  type: "object",
  description: "upstream prose, left out",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      required: ["services"],
      properties: {
        services: {
          type: "object",
          additionalProperties: {
            type: "object",
            properties: {
              replicas: { type: "integer", minimum: 0, format: "int32" },
              componentType: { type: "string", enum: ["frontend", "worker"] },
              extraPodSpec: {
                type: "object",
                "x-kubernetes-preserve-unknown-fields": true,
                properties: { mainContainer: { type: "object", properties: { image: { type: "string" } } } },
              },
              labels: { type: "object", additionalProperties: { type: "string" } },
            },
          },
        },
        pvcs: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
      },
    },
  },
}) as StructuralSchema;

const good = {
  apiVersion: "nvidia.com/v1alpha1",
  kind: "X",
  metadata: { name: "g", annotations: { anything: "goes" } },
  spec: {
    services: { Frontend: { replicas: 1, componentType: "frontend", extraPodSpec: { mainContainer: { image: "i" }, anythingElse: 1 } } },
    pvcs: [{ name: "p" }],
  },
};

describe("a CRD's structural schema, checked as the API server checks it", () => {
  test("only structural keywords are kept", () => {
    assert.doesNotMatch(JSON.stringify(SCHEMA), /description|prose/);
    assert.equal(
      (SCHEMA.properties!.spec.properties!.services.additionalProperties as StructuralSchema).properties!.replicas.format,
      "int32",
    );
  });

  test("a valid object has no problems; preserve-unknown-fields and the root's metadata keep what they hold", () => {
    assert.deepEqual(crdValidator(SCHEMA)(good), []);
  });

  test("an unknown field is reported where the API server would drop it, at any depth", () => {
    const misspelled = structuredClone(good) as any;
    misspelled.spec.services.Frontend.extraPodSpecc = misspelled.spec.services.Frontend.extraPodSpec;
    misspelled.spec.pvcs[0].size = "1Gi";
    misspelled.spec.extra = true;
    assert.deepEqual(prunedFields(SCHEMA, misspelled), ["spec.services.Frontend.extraPodSpecc", "spec.pvcs[0].size", "spec.extra"]);
    assert.match(
      crdValidator(SCHEMA)(misspelled).join("\n"),
      /spec\.services\.Frontend\.extraPodSpecc: not in the schema; the API server would silently drop it/,
    );
  });

  test("an array's items are named by index, as in the pruned fields", () => {
    const schema = {
      type: "object",
      properties: { list: { type: "array", items: { type: "object", properties: { n: { type: "integer" } } } } },
    };
    assert.deepEqual(crdValidator(schema)({ list: [{ n: "x" }, { m: 1 }] }), [
      'list[0].n: Instance type "string" is invalid. Expected "integer".',
      "list[1].m: not in the schema; the API server would silently drop it",
    ]);
  });

  test("a wrong type, a value outside an enum and a missing required field are each named", () => {
    const wrong = structuredClone(good) as any;
    wrong.spec.services.Frontend.replicas = "1";
    wrong.spec.services.Frontend.componentType = "router";
    const problems = crdValidator(SCHEMA)(wrong).join("\n");
    assert.equal(
      problems,
      [
        'spec.services.Frontend.replicas: Instance type "string" is invalid. Expected "integer".',
        'spec.services.Frontend.componentType: Instance does not match any of ["frontend","worker"].',
      ].join("\n"),
      "one line for each, and none for the fields around them",
    );
    assert.equal(crdValidator(SCHEMA)({ ...good, spec: {} }).join("\n"), 'spec: Instance does not have required property "services".');
  });
});
