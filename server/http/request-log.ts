// Request logging (pino-http) without secrets: the session cookie, a Set-Cookie and any
// Authorization header never reach the log. Bodies are never logged (login passwords).
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const SECRET_HEADERS = ['cookie', 'authorization', 'set-cookie'];

function withoutSecrets<T extends { headers?: Record<string, unknown>; url?: unknown }>(x: T): T {
  if (!x?.headers) return x;
  const headers = { ...x.headers };
  for (const h of SECRET_HEADERS) if (h in headers) headers[h] = '[redacted]';
  // An alert's acknowledgement link is a one-time capability (docs/ALERTS.md AL24): not in the log.
  if (typeof x.url === 'string' && x.url.startsWith('/ack/')) return { ...x, headers, url: '/ack/[redacted]' };
  return { ...x, headers };
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req) => req.url === '/api/health' },
    serializers: { req: withoutSecrets, res: withoutSecrets },
  });
}
