import type { z } from 'zod';
import { issueWords } from './issue-words';
import { wordLang, type WordLang, type Words } from '../shared/words';

/**
 * One thing wrong with an input: where (file, line, column, dotted path) and why. `message` is
 * Vietnamese; `en` its English when it differs; `where` names the place for people (`điểm cầu HT-01,
 * trường “host”`) where `path` is the machine key a form matches its fields on.
 */
export interface InputIssue {
  path: string;
  message: string;
  en?: string;
  where?: Words;
  file?: string;
  line?: number;
  col?: number;
}

/** Input refused as a whole: nothing of it was applied. `message` is the Vietnamese, one issue a line. */
export class ValidationError extends Error {
  constructor(
    readonly issues: InputIssue[],
    readonly status = 400,
  ) {
    super(issues.map((i) => formatIssue(i)).join('\n'));
    this.name = 'ValidationError';
  }

  /** The issues, one a line, in `lang`. */
  messageIn(lang: WordLang): string {
    return this.issues.map((i) => formatIssue(i, lang)).join('\n');
  }
}

/** An issue from Words: the Vietnamese message and, when it differs, the English. */
export function issueOf(path: string, w: Words, extra: Omit<InputIssue, 'path' | 'message' | 'en'> = {}): InputIssue {
  return { path, message: w.vi, ...(w.en !== w.vi ? { en: w.en } : {}), ...extra };
}

/** The issue's reason in `lang`. */
export function issueMessage(i: InputIssue, lang: WordLang = 'vi'): string {
  return lang === 'en' ? (i.en ?? i.message) : i.message;
}

/** What an error says to a user: Words, or a plain string where both languages read the same. */
export type Said = string | Words;

export function saidWords(said: Said): Words {
  return typeof said === 'string' ? { vi: said, en: said } : said;
}

/** An error a user reads: `message` is the Vietnamese, `messageIn('en')` the English. */
export class UserError extends Error {
  readonly words: Words;
  constructor(said: Said) {
    const w = saidWords(said);
    super(w.vi);
    this.words = w;
    this.name = 'UserError';
  }
  messageIn(lang: WordLang): string {
    return lang === 'en' ? this.words.en : this.words.vi;
  }
}

/** An error's message in `lang`: its Words when it has them, else its message as written. */
export function errorText(err: unknown, lang: WordLang): string {
  if (err instanceof ValidationError || err instanceof UserError) return err.messageIn(lang);
  const words = (err as { words?: Words } | null)?.words;
  if (words && typeof words.vi === 'string') return lang === 'en' ? words.en : words.vi;
  return err instanceof Error ? err.message : String(err);
}

export class NotFoundError extends UserError {
  readonly status = 404;
  constructor(said: Said) {
    super(said);
    this.name = 'NotFoundError';
  }
}

/** `không có điểm cầu HT-01` / `no point HT-01`: the refusal for a code that names nothing. */
export function notFound(
  what: 'point' | 'meeting' | 'unit' | 'outage' | 'user' | 'template',
  key: string | number,
): NotFoundError {
  const noun = NOUNS[what];
  return new NotFoundError({ vi: `không có ${noun.vi} ${key}`, en: `no ${noun.en} ${key}` });
}

const NOUNS = {
  point: { vi: 'điểm cầu', en: 'point' },
  meeting: { vi: 'hội nghị', en: 'meeting' },
  unit: { vi: 'đơn vị', en: 'unit' },
  outage: { vi: 'sự cố số', en: 'outage' },
  user: { vi: 'tài khoản', en: 'user' },
  template: { vi: 'mẫu danh mục kiểm tra', en: 'checklist template' },
} satisfies Record<string, Words>;

/** `phải là một trong: a, b` / `must be one of a, b`: a flag or field with a fixed set of values. */
export function oneOf(values: readonly string[]): Words {
  const list = values.join(', ');
  return { vi: `phải là một trong: ${list}`, en: `must be one of ${list}` };
}

/** `points[3].targets[0].host` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(root)';
}

/** `prov.yaml:11:9: điểm cầu D1, đường truyền 1, trường “host”: …` (file, line and column when known). */
export function formatIssue(i: InputIssue, lang: WordLang = 'vi'): string {
  const at = i.line ? `:${i.line}${i.col ? `:${i.col}` : ''}` : '';
  const file = i.file ? `${i.file}${at}: ` : '';
  const where = i.where ? (lang === 'en' ? i.where.en : i.where.vi) : i.path;
  return `${file}${where}: ${issueMessage(i, lang)}`;
}

export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): InputIssue[] {
  return error.issues.map((i) => issueOf(formatPath([...prefix, ...i.path]), issueWords(i)));
}

/** Parse with a schema or throw a ValidationError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  // The input kept on each issue tells a missing field from a wrong one.
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw new ValidationError(zodIssues(r.error, prefix));
  return r.data;
}

/**
 * Heavy work (a report, an export, a parse) refused because the worker pool is full, or stopped
 * because it ran past its time budget: the request fails clearly, the server goes on.
 */
export class WorkUnavailableError extends UserError {
  readonly status = 503;
  constructor(
    readonly code: 'busy' | 'timeout' | 'memory',
    message: Said,
    readonly retryAfterS = 5,
  ) {
    super(message);
    this.name = 'WorkUnavailableError';
  }
}

/** The command line's language: DIEMCAU_LANG=en for English, Vietnamese otherwise. */
export function cliLang(env: NodeJS.ProcessEnv = process.env): WordLang {
  return wordLang(env.DIEMCAU_LANG);
}
