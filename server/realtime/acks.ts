// Socket handlers receive untrusted input: parse it, never throw past the handler, always ack once.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ack, AckError } from '../../shared/protocol';
import { ForbiddenError, UnauthorizedError } from '../auth/errors';
import { NotFoundError, UserError, ValidationError, errorText, formatPath, issueMessage } from '../errors';
import { issueWords } from '../issue-words';
import { inLang, words, type WordLang } from '../../shared/words';

const INTERNAL = words(
  'Lỗi trong máy chủ: yêu cầu không thực hiện được.',
  'Internal server error: the request failed.',
);

export function fail(code: AckError['code'], message: string, fields?: Record<string, string>): Ack<never> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

/**
 * An error that carries its own ack error, with more than code and message (a conflict's current
 * value…). `error.message` is the Vietnamese; `en` its English when it differs.
 */
export class AckFailure extends Error {
  constructor(
    readonly error: AckError,
    readonly en?: string,
  ) {
    super(error.message);
    this.name = 'AckFailure';
  }

  /** The ack error with its message in `lang`. */
  errorIn(lang: WordLang): AckError {
    return lang === 'en' && this.en !== undefined ? { ...this.error, message: this.en } : this.error;
  }
}

/**
 * The ack for an error thrown by a guard or a handler, worded in `lang` (the socket's language);
 * undefined for an unexpected one.
 */
export function knownFailure(err: unknown, lang: WordLang = 'vi'): Ack<never> | undefined {
  if (err instanceof AckFailure) return { ok: false, error: err.errorIn(lang) };
  if (err instanceof UnauthorizedError) return fail('unauthorized', errorText(err, lang));
  if (err instanceof ForbiddenError) return fail('forbidden', errorText(err, lang));
  if (err instanceof NotFoundError) return fail('not_found', errorText(err, lang));
  if (err instanceof ValidationError) {
    const fields: Record<string, string> = {};
    for (const i of err.issues) fields[i.path] = issueMessage(i, lang);
    return fail('bad_request', err.messageIn(lang), fields);
  }
  if (err instanceof UserError) return fail('bad_request', err.messageIn(lang));
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
  guard?: () => C | Promise<C>,
  lang: () => WordLang = () => 'vi',
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => void answer(payload, ack);

  async function answer(payload: unknown, ack: unknown): Promise<void> {
    const reply = (r: Ack<T>): void => {
      if (typeof ack === 'function') (ack as (r: Ack<T>) => void)(r);
    };
    let context: C;
    try {
      context = guard ? await guard() : (undefined as C);
    } catch (err) {
      const known = knownFailure(err, lang());
      reply(known ?? fail('internal', inLang(INTERNAL, lang())));
      if (!known) logger.error({ err, event }, 'socket guard failed');
      return;
    }
    const parsed = schema.safeParse(payload, { reportInput: true });
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      const l = lang();
      for (const i of parsed.error.issues) fields[formatPath(i.path)] = inLang(issueWords(i), l);
      const said = words(`Dữ liệu gửi kèm ${event} không hợp lệ.`, `The data sent with ${event} is not valid.`);
      reply(fail('bad_request', inLang(said, l), fields));
      return;
    }
    let data: T;
    try {
      data = await run(parsed.data, context);
    } catch (err) {
      const known = knownFailure(err, lang());
      if (known) return reply(known);
      logger.error({ err, event }, 'socket handler failed');
      return reply(fail('internal', inLang(INTERNAL, lang())));
    }
    reply({ ok: true, data });
  }
}
