import type { z } from 'zod';

/** One thing wrong with an input: where (file, line, dotted path) and why. */
export interface InputIssue {
  path: string;
  message: string;
  file?: string;
  line?: number;
}

/** Input refused as a whole: nothing of it was applied. */
export class ValidationError extends Error {
  constructor(
    readonly issues: InputIssue[],
    readonly status = 400,
  ) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ValidationError';
  }
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

export function formatIssue(i: InputIssue): string {
  const where = i.file ? `${i.file}${i.line ? `:${i.line}` : ''}: ` : '';
  return `${where}${i.path}: ${i.message}`;
}

export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): InputIssue[] {
  return error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}

/** Parse with a schema or throw a ValidationError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const r = schema.safeParse(value);
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
