/** A mistake the user can fix: the CLI reports its message alone, with its exit code (1 unless said). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
