import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../auth/errors';
import { NotFoundError, ValidationError, WorkUnavailableError } from '../errors';
import { isStorageFault } from '../store/health';

export class ConflictError extends Error {
  readonly status = 409;
}

/** What a client reads when its URL has a malformed percent-escape. */
export const MALFORMED_URL_MESSAGE =
  'Đường dẫn không hợp lệ: có mã thoát phần trăm (%XX) không giải mã được thành UTF-8.';

/** Every error leaves as `{ error: { code, message, fields? } }` with a 4xx/5xx status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ValidationError) {
      const fields: Record<string, string> = {};
      for (const i of err.issues) fields[i.path] = i.message;
      res.status(400).json({ error: { code: 'bad_request', message: err.message, fields } });
      return;
    }
    if (err instanceof URIError) {
      // A malformed percent-escape (rejectMalformedPath, or a parameter decoded by the router): the
      // client's mistake, not ours, so no stack and no error-level line anyone can trigger at will.
      logger.info({ url: req.originalUrl }, 'bad request: malformed percent-escape in the URL');
      res.status(400).json({ error: { code: 'bad_request', message: MALFORMED_URL_MESSAGE } });
      return;
    }
    if (err instanceof UnauthorizedError) {
      res.status(401).json({ error: { code: 'unauthorized', message: err.message } });
      return;
    }
    if (err instanceof ForbiddenError) {
      res.status(403).json({ error: { code: 'forbidden', message: err.message } });
      return;
    }
    if (err instanceof TooManyRequestsError) {
      res.setHeader('Retry-After', String(err.retryAfterS));
      res.status(429).json({ error: { code: 'too_many_requests', message: err.message } });
      return;
    }
    if (err instanceof NotFoundError) {
      res.status(404).json({ error: { code: 'not_found', message: err.message } });
      return;
    }
    if (err instanceof WorkUnavailableError) {
      logger.warn({ url: req.originalUrl, code: err.code }, 'request refused: heavy work unavailable');
      res.setHeader('Retry-After', String(err.retryAfterS));
      res.status(503).json({ error: { code: err.code, message: err.message } });
      return;
    }
    if (err instanceof ConflictError) {
      res.status(409).json({ error: { code: 'conflict', message: err.message } });
      return;
    }
    // body-parser errors carry a status and an expose flag; their messages are safe to show.
    const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      const message =
        e.type === 'entity.parse.failed' ? `invalid JSON body: ${e.message}` : (e.message ?? 'bad request');
      res.status(e.status).json({ error: { code: 'bad_request', message } });
      return;
    }
    if (isStorageFault(err)) {
      // Disk full or file unwritable: the change was not made; monitoring goes on.
      logger.error({ err, url: req.originalUrl }, 'request failed: storage unavailable');
      res.status(503).json({ error: { code: 'storage_unavailable', message: 'the database cannot be written now' } });
      return;
    }
    logger.error({ err, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
