// Socket handlers receive untrusted input: parse it, never throw past the handler, always ack once.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ack, AckError } from '../../shared/protocol';
import { ForbiddenError, UnauthorizedError } from '../auth/errors';
import { NotFoundError, ValidationError, formatPath } from '../errors';
import { issueWords } from '../issue-words';

export function fail(code: AckError['code'], message: string, fields?: Record<string, string>): Ack<never> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

/** An error that carries its own ack error, with more than code and message (a conflict's current value…). */
export class AckFailure extends Error {
  constructor(readonly error: AckError) {
    super(error.message);
    this.name = 'AckFailure';
  }
}

/** The ack for an error thrown by a guard or a handler; undefined for an unexpected one. */
export function knownFailure(err: unknown): Ack<never> | undefined {
  if (err instanceof AckFailure) return { ok: false, error: err.error };
  if (err instanceof UnauthorizedError) return fail('unauthorized', err.message);
  if (err instanceof ForbiddenError) return fail('forbidden', err.message);
  if (err instanceof NotFoundError) return fail('not_found', err.message);
  if (err instanceof ValidationError) return fail('bad_request', err.message);
  return undefined;
}

/**
 * Wrap a handler: `guard` (the session and role check) runs first, then the payload is parsed with
 * `schema`, and the result (or a clean error) goes to the ack. A client that sends no ack callback
 * gets nothing back, and the server carries on.
 */
export function handle<S extends z.ZodType, T, C = undefined>(
  logger: Logger,
  event: string,
  schema: S,
  run: (payload: z.output<S>, context: C) => T | Promise<T>,
  guard?: () => C,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    const reply = (r: Ack<T>): void => {
      if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(r);
    };
    let context: C;
    try {
      context = guard ? guard() : (undefined as C);
    } catch (err) {
      reply(knownFailure(err) ?? fail('internal', 'internal error'));
      if (!knownFailure(err)) logger.error({ err, event }, 'socket guard failed');
      return;
    }
    const parsed = schema.safeParse(payload, { reportInput: true });
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const i of parsed.error.issues) fields[formatPath(i.path)] = issueWords(i).vi;
      reply(fail('bad_request', `Dữ liệu gửi kèm ${event} không hợp lệ.`, fields));
      return;
    }
    Promise.resolve()
      .then(() => run(parsed.data, context))
      .then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          const known = knownFailure(err);
          if (known) return reply(known);
          logger.error({ err, event }, 'socket handler failed');
          reply(fail('internal', 'internal error'));
        },
      );
  };
}
