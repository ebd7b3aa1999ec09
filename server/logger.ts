// The server's log: JSON lines under a supervisor, readable lines when a person watches a terminal.
import pino, { type Logger } from 'pino';

/**
 * Fields that may hold a secret, censored wherever they appear in a log line (docs/ALERTS.md: alert
 * channel secrets; docs/SECURITY.md: cookies and tokens). Code never logs a secret on purpose; this is
 * the net under that rule.
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'token',
  '*.token',
  'password',
  '*.password',
  'pass',
  '*.pass',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-diemcau-signature"]',
];

export function makeLogger(level: string, name?: string): Logger {
  const base = { ...(name === undefined ? {} : { name }), redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (process.stdout.isTTY) {
    return pino({
      level,
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:dd/mm/yyyy HH:MM:ss' } },
    });
  }
  return pino({ level, ...base });
}
