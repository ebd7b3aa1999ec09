// What the codec tests share: a pino logger whose lines are kept (to prove what was logged, and that no
// password was), and a poll loop over a manual clock.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../../../server/logger';

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** Parsed lines with this message. */
  withMsg(msg: RegExp): Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  return {
    logger,
    lines,
    withMsg: (msg) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => msg.test(String(l.msg))),
  };
}
