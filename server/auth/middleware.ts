// Express side of authentication: the session cookie becomes `res.locals.auth`; routes then require
// a session (401) and an action (403). Handlers read the user with `authOf(res)`.
import type { RequestHandler, Response } from 'express';
import type { Action } from '../../shared/protocol';
import { readCookie } from './cookies';
import { UnauthorizedError } from './errors';
import { authorize } from './policy';
import type { Sessions, ValidSession } from './sessions';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      auth?: ValidSession;
    }
  }
}

/** Reads the session cookie; never refuses (routes decide). */
export function authenticate(sessions: Sessions, cookieName: string): RequestHandler {
  return async (req, res, next) => {
    try {
      const valid = await sessions.fromToken(readCookie(req.headers.cookie, cookieName));
      if (valid) res.locals.auth = valid;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The request's session; UnauthorizedError (401) without one. */
export function authOf(res: Response): ValidSession {
  const auth = res.locals.auth;
  if (!auth) throw new UnauthorizedError();
  return auth;
}

export const requireSession: RequestHandler = (_req, res, next) => {
  authOf(res);
  next();
};

/** 401 without a session, 403 when the user's role does not allow `action` (not point-scoped ones). */
export function requireAction(action: Action): RequestHandler {
  return (_req, res, next) => {
    authorize(authOf(res).user, action);
    next();
  };
}
