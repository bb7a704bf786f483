import { execFile } from "node:child_process";
import { PULUMI_MIN_VERSION } from "../../domain/pins";
import type { CheckResult } from "./checks";

function versionParts(text: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function atLeast(version: number[], minimum: number[]): boolean {
  for (let part = 0; part < 3; part++) if (version[part] !== minimum[part]) return version[part] > minimum[part];
  return true;
}

/** `pulumi version` on PATH, against Pulumi.yaml's requiredPulumiVersion. `command` is for the tests. */
export function checkPulumiCli(command = "pulumi", timeoutMs = 10_000): Promise<CheckResult> {
  const check = "Pulumi CLI";
  const install = `install Pulumi ${PULUMI_MIN_VERSION} or later: https://www.pulumi.com/docs/install/`;
  return new Promise((resolve) => {
    execFile(command, ["version"], { timeout: timeoutMs, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const found =
          code === "ENOENT"
            ? "not on PATH"
            : error.killed
              ? `\`pulumi version\` did not end within ${timeoutMs / 1000} s`
              : "`pulumi version` failed";
        resolve({ check, outcome: "warn", found, fix: `\`pulumi up\` needs it: ${install}` });
        return;
      }
      const version = versionParts(stdout);
      if (!version) {
        resolve({ check, outcome: "warn", found: `\`pulumi version\` printed no version`, fix: install });
      } else if (!atLeast(version, versionParts(PULUMI_MIN_VERSION)!)) {
        resolve({
          check,
          outcome: "fail",
          found: `${stdout.trim()}, older than ${PULUMI_MIN_VERSION}, the first that runs the stack's hooks`,
          fix: install,
        });
      } else {
        resolve({ check, outcome: "pass", found: `${stdout.trim()}, at least ${PULUMI_MIN_VERSION}` });
      }
    });
  });
}
