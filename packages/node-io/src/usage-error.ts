/** A mistake in how the command was called (exit code 2), as opposed to a bad graph or input. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
