// Uploaded point lists and invitations parsed on worker threads (pool.ts), with the parsers' own
// refusals turned back into their classes so that routes answer them as before.
import type { Logger } from 'pino';
import type { ImportPreview } from '../../shared/import';
import type { ParsedInvitation } from '../../shared/invitation';
import { ImportFileError, type ImportFileProblem, type InventoryView } from '../importer';
import { InvitationFileError, type InvitationFileProblem } from '../invitation';
import { WorkerJobError } from './errors';
import type { ParseJob } from './jobs';
import { ParsePool } from './pool';

export interface UploadParsingOptions {
  /** Parses at once (default 2: the server has other work, and each may take a core). */
  maxWorkers?: number;
  /** Parses waiting for a worker (default 4); more are told the server is busy. */
  maxQueued?: number;
  /** Longest wait for a worker (default 10 s). */
  queueWaitMs?: number;
  /** Time budget of an invitation (default 20 s; pdftotext alone gets 15 s). */
  invitationBudgetMs?: number;
  /** Time budget of a point list (default 30 s; 50,000 XLSX rows take about 5 s). */
  importBudgetMs?: number;
  /** Heap of a worker, in MB (default 768: exceljs needs ~400 MB for 50,000 rows). */
  memoryMb?: number;
  /** An idle worker ends after this long (default 60 s). */
  idleMs?: number;
}

export const DEFAULT_UPLOAD_PARSING: Required<UploadParsingOptions> = {
  maxWorkers: 2,
  maxQueued: 4,
  queueWaitMs: 10_000,
  invitationBudgetMs: 20_000,
  importBudgetMs: 30_000,
  memoryMb: 768,
  idleMs: 60_000,
};

export class UploadParsers {
  readonly options: Required<UploadParsingOptions>;
  readonly pool: ParsePool;

  constructor(options: UploadParsingOptions = {}, logger?: Logger) {
    this.options = { ...DEFAULT_UPLOAD_PARSING, ...options };
    const o = this.options;
    this.pool = new ParsePool({
      script: new URL('./worker.mjs', import.meta.url),
      maxWorkers: o.maxWorkers,
      maxQueued: o.maxQueued,
      queueWaitMs: o.queueWaitMs,
      timeBudgetMs: o.importBudgetMs,
      idleMs: o.idleMs,
      startTimeoutMs: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: o.memoryMb },
      logger,
    });
  }

  /** The draft of the invitation in `file` (a private temp file the caller removes). */
  invitation(file: string): Promise<ParsedInvitation> {
    return this.run({ kind: 'invitation', file }, this.options.invitationBudgetMs);
  }

  /** The preview of an uploaded point list, as the JSON text the route sends. */
  pointsPreviewJson(bytes: Uint8Array, filename: string | undefined, inventory: InventoryView): Promise<string> {
    return this.points(bytes, filename, inventory, true);
  }

  /** The preview of an uploaded point list, for the apply route. */
  pointsPreview(bytes: Uint8Array, filename: string | undefined, inventory: InventoryView): Promise<ImportPreview> {
    return this.points(bytes, filename, inventory, false);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private points<T>(
    bytes: Uint8Array,
    filename: string | undefined,
    inventory: InventoryView,
    json: boolean,
  ): Promise<T> {
    // A copy of its own, moved to the worker (the request's buffer may share a pooled ArrayBuffer).
    const own = new Uint8Array(bytes);
    const view: InventoryView = { units: inventory.units, points: inventory.points };
    const job: ParseJob = {
      kind: 'points',
      bytes: own,
      inventory: view,
      json,
      ...(filename !== undefined && { filename }),
    };
    return this.run(job, this.options.importBudgetMs, [own.buffer]);
  }

  private async run<T>(job: ParseJob, timeBudgetMs: number, transfer?: ArrayBuffer[]): Promise<T> {
    try {
      return await this.pool.run<T>(job, { timeBudgetMs, transfer });
    } catch (err) {
      throw err instanceof WorkerJobError ? fromWorker(err) : err;
    }
  }
}

/** A refusal thrown in the worker, as the class the routes know; anything else stays a fault. */
function fromWorker(err: WorkerJobError): Error {
  const { name, problem, message, en, stack } = err.data;
  if (name === 'ImportFileError' && problem) {
    return new ImportFileError(problem as ImportFileProblem, { vi: message, en: en ?? message });
  }
  if (name === 'InvitationFileError' && problem)
    return new InvitationFileError(problem as InvitationFileProblem, { vi: message, en: en ?? message });
  const fault = new Error(`parse worker: ${message}`);
  if (stack) fault.stack = `${fault.message}\n(worker) ${stack}`;
  return fault;
}
