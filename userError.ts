/** A mistake the user can fix: the CLI reports its message alone, with exit code 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
