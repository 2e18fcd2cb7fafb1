/**
 * Bad command-line arguments: the CLI prints the message and the usage, and
 * exits with status 2 (as Go's `flag` package and upstream do).
 *
 * @module
 */

/** An invalid flag, a missing argument or an argument of the wrong form. */
export class UsageError extends Error {
  /** @param message what is wrong, naming the argument */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
