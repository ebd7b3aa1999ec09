import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../auth/errors';
import type { Request } from 'express';
import {
  NotFoundError,
  UserError,
  ValidationError,
  WorkUnavailableError,
  errorText,
  issueMessage,
  type Said,
} from '../errors';
import { isStorageFault } from '../store/health';
import { inLang, words, wordLang, type WordLang } from '../../shared/words';

export class ConflictError extends UserError {
  readonly status = 409;
  constructor(said: Said) {
    super(said);
    this.name = 'ConflictError';
  }
}

/** What a client reads when its URL has a malformed percent-escape. */
export const MALFORMED_URL = words(
  'Đường dẫn không hợp lệ: có mã thoát phần trăm (%XX) không giải mã được thành UTF-8.',
  'Invalid URL: a percent-escape (%XX) does not decode to UTF-8.',
);
export const MALFORMED_URL_MESSAGE = MALFORMED_URL.vi;

const STORAGE = words(
  'Không ghi được vào cơ sở dữ liệu lúc này (đĩa đầy hoặc tệp không ghi được): thay đổi chưa được lưu.',
  'The database cannot be written now (disk full or file not writable): the change was not saved.',
);
const INTERNAL = words(
  'Lỗi trong máy chủ: yêu cầu không thực hiện được.',
  'Internal server error: the request failed.',
);

/**
 * The language of a request's answer: the dashboard sends its own in Accept-Language; `en` only when
 * English comes before Vietnamese, Vietnamese otherwise (and when none is sent).
 */
export function requestLang(req: Request): WordLang {
  return wordLang(req.acceptsLanguages('vi', 'en') || 'vi');
}

/** The answer for an /api path no route serves: `không có đường dẫn GET /api/x` / `no route GET /api/x`. */
export const noRoute: RequestHandler = (req, res) => {
  const route = `${req.method} ${req.originalUrl}`;
  res.status(404).json({
    error: {
      code: 'not_found',
      message: inLang(words(`không có đường dẫn ${route}`, `no route ${route}`), requestLang(req)),
    },
  });
};

/** Every error leaves as `{ error: { code, message, fields? } }` with a 4xx/5xx status, in the request's language. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const lang = requestLang(req);
    if (err instanceof ValidationError) {
      const fields: Record<string, string> = {};
      for (const i of err.issues) fields[i.path] = issueMessage(i, lang);
      res.status(400).json({ error: { code: 'bad_request', message: err.messageIn(lang), fields } });
      return;
    }
    if (err instanceof URIError) {
      // A malformed percent-escape (rejectMalformedPath, or a parameter decoded by the router): the
      // client's mistake, not ours, so no stack and no error-level line anyone can trigger at will.
      logger.info({ url: req.originalUrl }, 'bad request: malformed percent-escape in the URL');
      res.status(400).json({ error: { code: 'bad_request', message: inLang(MALFORMED_URL, lang) } });
      return;
    }
    if (err instanceof UnauthorizedError) {
      res.status(401).json({ error: { code: 'unauthorized', message: errorText(err, lang) } });
      return;
    }
    if (err instanceof ForbiddenError) {
      res.status(403).json({ error: { code: 'forbidden', message: errorText(err, lang) } });
      return;
    }
    if (err instanceof TooManyRequestsError) {
      res.setHeader('Retry-After', String(err.retryAfterS));
      res.status(429).json({ error: { code: 'too_many_requests', message: errorText(err, lang) } });
      return;
    }
    if (err instanceof NotFoundError) {
      res.status(404).json({ error: { code: 'not_found', message: errorText(err, lang) } });
      return;
    }
    if (err instanceof WorkUnavailableError) {
      logger.warn({ url: req.originalUrl, code: err.code }, 'request refused: heavy work unavailable');
      res.setHeader('Retry-After', String(err.retryAfterS));
      res.status(503).json({ error: { code: err.code, message: errorText(err, lang) } });
      return;
    }
    if (err instanceof ConflictError) {
      res.status(409).json({ error: { code: 'conflict', message: errorText(err, lang) } });
      return;
    }
    // body-parser errors carry a status and an expose flag; their messages are safe to show.
    const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      const message =
        e.type === 'entity.parse.failed'
          ? inLang(
              words(`Nội dung gửi lên không phải JSON hợp lệ: ${e.message}`, `invalid JSON body: ${e.message}`),
              lang,
            )
          : e.type === 'entity.too.large'
            ? inLang(words('Nội dung gửi lên quá lớn.', 'Request body too large.'), lang)
            : (e.message ?? inLang(words('Yêu cầu không hợp lệ.', 'Bad request.'), lang));
      res.status(e.status).json({ error: { code: 'bad_request', message } });
      return;
    }
    if (isStorageFault(err)) {
      // Disk full or file unwritable: the change was not made; monitoring goes on.
      logger.error({ err, url: req.originalUrl }, 'request failed: storage unavailable');
      res.status(503).json({ error: { code: 'storage_unavailable', message: inLang(STORAGE, lang) } });
      return;
    }
    logger.error({ err, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: inLang(INTERNAL, lang) } });
  };
}
