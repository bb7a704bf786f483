import { ConfigError } from "../config/schema";

/** A mistake the user can fix: reported as its message alone, with exit code 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export function isUserError(error: unknown): error is Error {
  return error instanceof UserError || error instanceof ConfigError;
}
