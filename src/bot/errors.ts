/**
 * A problem the member can read and act on (bad input, missing permission). The router shows
 * its message as is; any other error is logged and the member gets a short apology.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** True when `error` is a {@link UserError}. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
