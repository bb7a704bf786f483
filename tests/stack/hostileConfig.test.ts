import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Job } from "kubernetes-models/batch/v1/Job";
import { configKeys } from "../../stack/config/configKeys";
import { VARIANTS, type StackConfig } from "../../stack/config/schema";
import { buildStackObjects, objectsInApplyOrder } from "../../stack/builders/stackObjects";
import { LONGEST_RUN_ID } from "../../stack/config/names";
import { stackSummary } from "../../stack/outputs";
import { dynamoGraphProblems } from "../../stack/schemas/dynamoGraphSchema";
import { stackRelease } from "../../stack/config/dynamoRelease";
import { configSet, type StoredConfig } from "../support/pulumiConfigSet";
import { readBothWays, stackFileDir, type Reading } from "../support/bothPaths";
import { invalidValues } from "../support/kubernetesNames";
import { SCRIPTS } from "../support/clusterScripts";

const { dir, cleanup } = stackFileDir();
after(cleanup);

/** Values a user, a script or a bad paste could put in any key. */
const HOSTILE: unknown[] = [
  "",
  " ",
  "\n",
  "\u0000",
  "x".repeat(100_000),
  "💥",
  "null",
  "true",
  "-1",
  "0",
  "1e400",
  "NaN",
  "0x10",
  "007",
  "../../etc/passwd",
  "$(touch PWNED)",
  "prod; curl x | sh",
  "a b",
  "UPPER",
  "-leading-dash",
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  true,
  false,
  null,
  [],
  ["x"],
  {},
  { a: 1 },
];

interface Tally {
  tried: number;
  rejectedNamingKey: number;
  acceptedValid: number;
}

/** Every object the config makes, with the longest run id, is one the API server would take. */
function objectProblems(config: StackConfig): string[] {
  const objects = buildStackObjects(config, { stack: "agg", runId: LONGEST_RUN_ID }, SCRIPTS);
  const problems = invalidValues(objectsInApplyOrder(objects), config);
  try {
    for (const claim of Object.values(objects.persistentVolumeClaims)) new PersistentVolumeClaim(claim).validate();
    new Job(objects.modelDownloadJob).validate();
    if (objects.hfTokenSecret) new Secret(objects.hfTokenSecret).validate();
    if (objects.benchmark) {
      new ConfigMap(objects.benchmark.scripts).validate();
      new Job(objects.benchmark.job).validate();
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  problems.push(...dynamoGraphProblems(objects.dynamoGraph, stackRelease(config)));
  stackSummary(config, "agg");
  return problems;
}

function classify(reading: Reading, key: string, what: string, tally: Tally): void {
  tally.tried++;
  if ("problems" in reading) {
    assert.ok(
      reading.problems.some((problem) => problem.includes(key)),
      `${what}: refused without naming ${key}:\n${reading.problems.join("\n")}`,
    );
    assert.ok(
      reading.problems.every((problem) => problem.length < 2000 && !/\n/.test(problem)),
      `${what}: each problem is one short line`,
    );
    tally.rejectedNamingKey++;
    return;
  }
  assert.deepEqual(objectProblems(reading.config), [], `${what}: accepted, but Kubernetes would refuse`);
  tally.acceptedValid++;
}

const tallies: Record<string, Tally> = {};

for (const variant of VARIANTS) {
  describe(`${variant}: any value in any key is refused naming the key, or accepted and valid; render and pulumi up agree`, () => {
    for (const key of configKeys(variant).filter((k) => k.path[0] !== "variant")) {
      const name = key.path.join(".");
      test(name, () => {
        const tally = (tallies[`${key.path.length === 1 ? "top-level keys" : `${key.kind} keys`}`] ??= {
          tried: 0,
          rejectedNamingKey: 0,
          acceptedValid: 0,
        });
        for (const value of HOSTILE) {
          let stored: StoredConfig = { "dynamo-bench:variant": variant };
          if (key.path.length === 1) stored[`dynamo-bench:${name}`] = value as StoredConfig[string];
          else stored = configSet(stored, { key: name, value: "placeholder", path: true, secret: false });
          if (key.path.length > 1) {
            // The value as a hand-edited file or `--type` would store it, typed as it is.
            let container = stored[`dynamo-bench:${key.path[0]}`] as Record<string, unknown>;
            for (const segment of key.path.slice(1, -1)) container = container[segment] as Record<string, unknown>;
            container[key.path.at(-1)!] = value;
          }
          const readings = readBothWays(dir, variant, stored);
          assert.deepEqual(
            readings.pulumi,
            readings.render,
            `${name} = ${JSON.stringify(value)?.slice(0, 40)}: render and pulumi up disagree`,
          );
          classify(readings.render, name, `${name} = ${JSON.stringify(value)?.slice(0, 40)}`, tally);
        }
      });
    }
  });
}

test("the tally: no crash and no silently invalid object, in any class", (t) => {
  const total = Object.values(tallies).reduce((sum, tally) => sum + tally.tried, 0);
  assert.ok(total > 3000, `${total} cases`);
  for (const [kind, tally] of Object.entries(tallies)) {
    assert.equal(tally.rejectedNamingKey + tally.acceptedValid, tally.tried, kind);
    t.diagnostic(
      `${kind}: ${tally.tried} tried, ${tally.rejectedNamingKey} refused naming the key, ${tally.acceptedValid} accepted and valid`,
    );
  }
});
