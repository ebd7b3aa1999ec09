// Why a parse on a worker thread gave no answer (the parsers' own refusals travel as WorkerJobError
// and are turned back into their classes by uploads.ts).
import { saidWords, type Said } from '../errors';
import type { Words } from '../../shared/words';

/** Every worker busy and the queue full, or the wait for one too long: try again shortly. */
export class ParseBusyError extends Error {
  readonly words: Words;
  constructor(
    said: Said,
    readonly retryAfterS: number,
  ) {
    const w = saidWords(said);
    super(w.vi);
    this.words = w;
    this.name = 'ParseBusyError';
  }
}

/** The parse ran past its time budget; its worker was terminated. */
export class ParseTimeoutError extends Error {
  constructor(
    message: string,
    readonly budgetMs: number,
  ) {
    super(message);
    this.name = 'ParseTimeoutError';
  }
}

/** The worker died: out of its memory budget (`memory`), or a fault of ours (`crash`). */
export class ParseCrashError extends Error {
  constructor(
    message: string,
    readonly kind: 'memory' | 'crash',
  ) {
    super(message);
    this.name = 'ParseCrashError';
  }
}

/** An error thrown by a job, as it crossed from the worker: its class name, problem and message. */
export interface WorkerErrorData {
  name: string;
  message: string;
  /** The message's English, for an error that carries both languages. */
  en?: string;
  problem?: string;
  stack?: string;
}

export class WorkerJobError extends Error {
  constructor(readonly data: WorkerErrorData) {
    super(data.message);
    this.name = 'WorkerJobError';
  }
}

/** What a worker posts for an error (structured clone keeps no class, so the name says which). */
export function errorData(err: unknown): WorkerErrorData {
  if (err instanceof Error) {
    const problem = (err as { problem?: unknown }).problem;
    const en = (err as { words?: { en?: unknown } }).words?.en;
    return {
      name: err.name,
      message: err.message,
      ...(typeof en === 'string' && en !== err.message && { en }),
      ...(typeof problem === 'string' && { problem }),
      ...(err.stack !== undefined && { stack: err.stack }),
    };
  }
  return { name: 'Error', message: String(err) };
}
