// Socket handlers receive untrusted input: parse it, never throw past the handler, always ack once.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ack, AckError } from '../../shared/protocol';
import { NotFoundError, ValidationError, formatPath } from '../errors';

export function fail(code: AckError['code'], message: string, fields?: Record<string, string>): Ack<never> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

/**
 * Wrap a handler: the payload is parsed with `schema`, the result (or a clean error) goes to the ack.
 * A client that sends no ack callback gets nothing back, and the server carries on.
 */
export function handle<S extends z.ZodType, T>(
  logger: Logger,
  event: string,
  schema: S,
  run: (payload: z.output<S>) => T | Promise<T>,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    const reply = (r: Ack<T>): void => {
      if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(r);
    };
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const i of parsed.error.issues) fields[formatPath(i.path)] = i.message;
      reply(fail('bad_request', `invalid ${event} payload`, fields));
      return;
    }
    Promise.resolve()
      .then(() => run(parsed.data))
      .then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          if (err instanceof NotFoundError) return reply(fail('not_found', err.message));
          if (err instanceof ValidationError) return reply(fail('bad_request', err.message));
          logger.error({ err, event }, 'socket handler failed');
          reply(fail('internal', 'internal error'));
        },
      );
  };
}
