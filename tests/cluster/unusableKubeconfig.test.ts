import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, STACK_TRACE } from "../support/cli";

/** Every command that reaches the cluster. */
const COMMANDS = [
  ["watch", "-s", "agg"],
  ["preflight", "-s", "agg"],
  ["results", "list", "-s", "agg"],
  ["results", "pull", "-s", "agg"],
];

const kubeconfig = (server: string, currentContext: string) => `apiVersion: v1
kind: Config
clusters:
- name: only
  cluster: {server: "${server}"}
users:
- name: only
  user: {token: x}
contexts:
- name: only
  context: {cluster: only, user: only}
current-context: "${currentContext}"
`;

describe("a kubeconfig that cannot be used: one error line that says how to fix it, before any request", () => {
  const saved = {
    HOME: process.env.HOME,
    KUBECONFIG: process.env.KUBECONFIG,
    KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
  };
  let dir: string;
  let home: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "dynamo-bench-kubeconfig-"));
    home = join(dir, "home");
    writeFileSync(join(dir, "no-current-context"), kubeconfig("https://127.0.0.1:1", ""));
    writeFileSync(join(dir, "plain-http"), kubeconfig("http://127.0.0.1:1", "only"));
    writeFileSync(join(dir, "not-yaml"), ": [\n");
    // Not a pod: with no kubeconfig, nothing else says where a cluster is.
    delete process.env.KUBERNETES_SERVICE_HOST;
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function everyCommand(env: { HOME: string; KUBECONFIG?: string }, expected: RegExp) {
    process.env.HOME = env.HOME;
    if (env.KUBECONFIG === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = env.KUBECONFIG;
    for (const args of COMMANDS) {
      const { status, stdout, stderr } = await runCli(args);
      const command = args.slice(0, -2).join(" ");
      assert.doesNotMatch(stderr, STACK_TRACE, `${command}: no stack trace`);
      assert.equal(status, 1, `${command}: ${stderr}`);
      assert.equal(stdout, "", `${command}: nothing on stdout`);
      assert.equal(stderr.split("\n").length, 2, `${command}: one line: ${stderr}`);
      assert.match(stderr, expected, command);
    }
  }

  test("no KUBECONFIG and no ~/.kube/config", async () => {
    await everyCommand(
      { HOME: dir },
      /^error: no kubeconfig: KUBECONFIG is not set and there is no \S+\/\.kube\/config; set KUBECONFIG to your cluster's kubeconfig file/,
    );
  });

  test("KUBECONFIG names a file that does not exist", async () => {
    await everyCommand(
      { HOME: home, KUBECONFIG: join(dir, "nonexistent") },
      /^error: KUBECONFIG names \S+nonexistent, which does not exist: set/,
    );
  });

  test("a kubeconfig that is not YAML", async () => {
    await everyCommand(
      { HOME: home, KUBECONFIG: join(dir, "not-yaml") },
      /^error: cannot read the kubeconfig \S+not-yaml: .+; fix it, or set/,
    );
  });

  test("a kubeconfig with no current context, and no --context", async () => {
    await everyCommand(
      { HOME: home, KUBECONFIG: join(dir, "no-current-context") },
      /^error: the kubeconfig \S+ sets no current context; it has "only": pass --context with one of them$/m,
    );
  });

  test("a plain-HTTP server, which the Kubernetes client refuses", async () => {
    await everyCommand(
      { HOME: home, KUBECONFIG: join(dir, "plain-http") },
      /^error: cluster "only" of the kubeconfig \S+ has the plain-HTTP server http:\/\/127\.0\.0\.1:1, which the Kubernetes client refuses/,
    );
  });
});
