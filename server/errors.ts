import type { z } from 'zod';
import { issueWords } from './issue-words';
import type { WordLang, Words } from '../shared/words';

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

export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
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
export class WorkUnavailableError extends Error {
  readonly status = 503;
  constructor(
    readonly code: 'busy' | 'timeout' | 'memory',
    message: string,
    readonly retryAfterS = 5,
  ) {
    super(message);
    this.name = 'WorkUnavailableError';
  }
}
