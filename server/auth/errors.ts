// Errors of access control. The REST error handler and the socket ack wrapper map them to
// 401 / 403 / 429 and to the ack codes "unauthorized" / "forbidden".

/** No valid session (none sent, expired, logged out, user removed), or wrong credentials at login. */
export class UnauthorizedError extends Error {
  readonly status = 401;
  constructor(message = 'unauthorized: log in first') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** A valid session whose user may not do this. */
export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Too many failed logins; `retryAfterS` goes to the Retry-After header. */
export class TooManyRequestsError extends Error {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}
