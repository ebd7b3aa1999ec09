// Errors of access control. The REST error handler and the socket ack wrapper map them to
// 401 / 403 / 429 and to the ack codes "unauthorized" / "forbidden". Each carries its words in
// Vietnamese and English (`words`); `message` is the Vietnamese.
import { saidWords, type Said } from '../errors';
import { words, type WordLang, type Words } from '../../shared/words';

export const LOG_IN_FIRST = words('Chưa đăng nhập: hãy đăng nhập trước.', 'Unauthorized: log in first.');

/** No valid session (none sent, expired, logged out, user removed), or wrong credentials at login. */
export class UnauthorizedError extends Error {
  readonly status = 401;
  readonly words: Words;
  constructor(said: Said = LOG_IN_FIRST) {
    const w = saidWords(said);
    super(w.vi);
    this.words = w;
    this.name = 'UnauthorizedError';
  }
  messageIn(lang: WordLang): string {
    return lang === 'en' ? this.words.en : this.words.vi;
  }
}

/** A valid session whose user may not do this. */
export class ForbiddenError extends Error {
  readonly status = 403;
  readonly words: Words;
  constructor(said: Said) {
    const w = saidWords(said);
    super(w.vi);
    this.words = w;
    this.name = 'ForbiddenError';
  }
  messageIn(lang: WordLang): string {
    return lang === 'en' ? this.words.en : this.words.vi;
  }
}

/** Too many failed logins; `retryAfterS` goes to the Retry-After header. */
export class TooManyRequestsError extends Error {
  readonly status = 429;
  readonly words: Words;
  constructor(
    said: Said,
    readonly retryAfterS: number,
  ) {
    const w = saidWords(said);
    super(w.vi);
    this.words = w;
    this.name = 'TooManyRequestsError';
  }
  messageIn(lang: WordLang): string {
    return lang === 'en' ? this.words.en : this.words.vi;
  }
}
