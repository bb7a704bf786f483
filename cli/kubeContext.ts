import { SECRET_SET } from "../stack/config/schema";
import { UserError } from "../lib/userError";

/** The context a command talks to: --context, else the stack's kubeContext, else the kubeconfig's current one. */
export function kubeContextOf(stack: string, configured: string | undefined, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  if (configured === SECRET_SET) {
    throw new UserError(
      `kubeContext is a secret in Pulumi.${stack}.yaml, which only Pulumi can read: ` +
        `add --context "$(pulumi config get -s ${stack} kubeContext)"`,
    );
  }
  return configured;
}
