// Point-list import and export, and invitation upload. Files arrive as the raw request body (the
// client sends the File with its Content-Type and an `X-Filename` header, URI-encoded), so no multipart
// parser is needed. Mount under /api behind the admin guard: authorisation is the mount's job.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { inLang, words, type Words } from '../../../shared/words';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Logger } from 'pino';
import { toWireInstant } from '../../../shared/time';
import type { Clock } from '../../clock';
import { ValidationError, issueOf } from '../../errors';
import { exportPointsCsv, exportPointsXlsx } from '../../exporter';
import { applyImport, ImportFileError, ImportRefusedError, MAX_IMPORT_BYTES, XLSX_MIME } from '../../importer';
import type { Inventory } from '../../inventory/inventory';
import { InvitationFileError } from '../../invitation';
import { ParseBusyError, ParseCrashError, ParseTimeoutError } from '../../parsing/errors';
import { requestLang } from '../errors';
import { UploadParsers } from '../../parsing/uploads';

export interface ImportRoutesDeps {
  inventory: Inventory;
  clock: Clock;
  logger: Logger;
  /**
   * Where uploads are parsed: worker threads with a time budget, so that no file blocks monitoring
   * (server/parsing). Default: a pool of this router's own, whose idle workers end by themselves.
   */
  parsers?: UploadParsers;
}

export const MAX_INVITATION_UPLOAD_BYTES = 10 * 1024 * 1024;

const rawBody = (limit: number) => express.raw({ type: () => true, limit });

/** The uploaded bytes; a body some other parser already consumed (JSON, forms) is not a file. */
function fileBody(req: Request): Buffer {
  if (Buffer.isBuffer(req.body)) return req.body;
  const type = req.get('content-type') ?? '(none)';
  throw new ImportFileError(
    'unsupported-type',
    words(
      `Gửi nội dung tệp làm thân yêu cầu (Content-Type của tệp, tên tệp trong X-Filename), không phải ${type}.`,
      `Send the file's content as the request body (the file's Content-Type, its name in X-Filename), not ${type}.`,
    ),
  );
}

function filenameOf(req: Request): string | undefined {
  const raw = req.get('x-filename');
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function refuseMultipart(req: Request): void {
  if (req.is('multipart/form-data')) {
    throw new ImportFileError(
      'unsupported-type',
      words(
        'Không nhận multipart/form-data: gửi nội dung tệp làm thân yêu cầu, tên tệp trong X-Filename.',
        'multipart/form-data is not accepted: send the file as the request body, its name in X-Filename.',
      ),
    );
  }
}

/** `diem-cau-20260305-1500` in Vietnamese time. */
function stamp(ms: number): string {
  const w = toWireInstant(ms);
  return `${w.slice(0, 4)}${w.slice(5, 7)}${w.slice(8, 10)}-${w.slice(11, 13)}${w.slice(14, 16)}`;
}

const INVITATION_TYPES: Record<string, string> = {
  'text/plain': '.txt',
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
};

/** The extension the invitation reader goes by: the file's name, else its type, else its first bytes. */
function invitationExt(req: Request, body: Buffer): string {
  const named = extname(filenameOf(req) ?? '').toLowerCase();
  // Only the extension of the client's name is used, and only a plain one: it becomes part of a path.
  if (named) return /^\.[a-z0-9]{1,8}$/.test(named) ? named : '.unknown';
  const typed = INVITATION_TYPES[(req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''];
  if (typed) return typed;
  if (body.subarray(0, 5).toString('latin1') === '%PDF-') return '.pdf';
  if (body.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return '.docx';
  return '.txt';
}

const INVITATION_STATUS: Record<string, number> = {
  'not-found': 400,
  'too-large': 413,
  'unsupported-type': 415,
  'bad-file': 400,
  'no-text': 422,
  'tool-missing': 503,
  'too-slow': 503,
};

export function importRoutes({ inventory, clock, logger, parsers: given }: ImportRoutesDeps): Router {
  const r = Router();
  const parsers = given ?? new UploadParsers({}, logger);

  r.post('/import/points/preview', rawBody(MAX_IMPORT_BYTES), async (req, res) => {
    refuseMultipart(req);
    const json = await parsers.pointsPreviewJson(fileBody(req), filenameOf(req), inventory.data());
    res.type('json').send(json);
  });

  r.post('/import/points/apply', rawBody(MAX_IMPORT_BYTES), async (req, res) => {
    refuseMultipart(req);
    const flag = req.query.validOnly;
    if (flag !== undefined && flag !== 'true' && flag !== 'false') {
      throw new ValidationError([
        issueOf('query.validOnly', words('phải là true hoặc false', 'must be true or false')),
      ]);
    }
    // Stateless: the file is sent again and previewed against the inventory as it is now.
    const preview = await parsers.pointsPreview(fileBody(req), filenameOf(req), inventory.data());
    const report = await applyImport(inventory, preview, flag === 'true');
    logger.info(
      {
        file: filenameOf(req),
        created: report.created.length,
        updated: report.updated.length,
        skipped: report.skippedRows.length,
      },
      'point list imported',
    );
    res.json(report);
  });

  r.get('/export/points.csv', (req, res) => {
    const delimiter = req.query.delimiter === 'semicolon' ? ';' : ',';
    res
      .type('text/csv; charset=utf-8')
      .attachment(`diem-cau-${stamp(clock.now())}.csv`)
      .send(exportPointsCsv(inventory.data(), delimiter));
  });

  r.get('/export/points.xlsx', async (_req, res) => {
    const buf = await exportPointsXlsx(inventory.data());
    res
      .type(XLSX_MIME)
      .attachment(`diem-cau-${stamp(clock.now())}.xlsx`)
      .send(buf);
  });

  r.post('/invitations/parse', rawBody(MAX_INVITATION_UPLOAD_BYTES), async (req, res) => {
    refuseMultipart(req);
    const body = fileBody(req);
    if (body.length === 0) throw new InvitationFileError('bad-file', words('Tệp rỗng.', 'The file is empty.'));
    // The readers work on files (pdftotext needs one): a private temp dir, removed whatever happens.
    const dir = await mkdtemp(join(tmpdir(), 'dc-invitation-'));
    let draft: unknown;
    try {
      const file = join(dir, `giay-moi${invitationExt(req, body)}`);
      await writeFile(file, body, { mode: 0o600 });
      draft = await parsers.invitation(file);
    } finally {
      // Before answering, so no upload outlives its request (a worker ended over time included).
      await rm(dir, { recursive: true, force: true });
    }
    res.json(draft);
  });

  r.use(uploadErrors(logger, parsers));
  return r;
}

/** "20", "0,3": seconds as Vietnamese writes them (`,` → `.` in English). */
const seconds = (ms: number): string =>
  ms >= 10_000 ? String(Math.round(ms / 1000)) : (ms / 1000).toFixed(1).replace('.', ',');
const secondsEn = (ms: number): string => seconds(ms).replace(',', '.');

/** A parse that gave no answer (server/parsing): busy, over its time budget, or out of memory. */
function parseFailure(
  err: unknown,
  parsers: UploadParsers,
): { status: number; code: string; problem?: string; message: Words } | null {
  if (err instanceof ParseBusyError) return { status: 503, code: 'busy', message: err.words };
  if (err instanceof ParseTimeoutError) {
    return {
      status: 503,
      code: 'timeout',
      problem: 'too-slow',
      message: words(
        `Đọc tệp quá ${seconds(err.budgetMs)} giây nên đã dừng: tệp quá lớn hoặc quá phức tạp. ` +
          'Hãy lưu lại thành CSV UTF-8 (danh sách) hoặc .txt (giấy mời), hoặc chia nhỏ tệp.',
        `Reading the file took over ${secondsEn(err.budgetMs)} s, so it was stopped: the file is too large or too complex. ` +
          'Save it again as UTF-8 CSV (point list) or .txt (invitation), or split it.',
      ),
    };
  }
  if (err instanceof ParseCrashError && err.kind === 'memory') {
    const mb = parsers.options.memoryMb;
    return {
      status: 413,
      code: 'bad_request',
      problem: 'too-complex',
      message: words(
        `Đọc tệp cần quá ${mb} MB bộ nhớ nên đã dừng: tệp quá lớn hoặc quá phức tạp. ` +
          'Hãy chia nhỏ tệp hoặc lưu lại thành CSV UTF-8.',
        `Reading the file needed over ${mb} MB of memory, so it was stopped: the file is too large or too complex. ` +
          'Split it or save it again as UTF-8 CSV.',
      ),
    };
  }
  return null;
}

/** This router's own errors as `{ error: { code, message, problem? } }`; anything else goes on. */
function uploadErrors(logger: Logger, parsers: UploadParsers): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const lang = requestLang(req);
    const failed = parseFailure(err, parsers);
    if (failed) {
      const { status, code, problem } = failed;
      const message = inLang(failed.message, lang);
      if (err instanceof ParseBusyError) res.setHeader('Retry-After', String(err.retryAfterS));
      logger.warn({ url: req.originalUrl, code, problem }, 'upload not parsed');
      res.status(status).json({ error: { code, ...(problem && { problem }), message } });
      return;
    }
    if (err instanceof ImportFileError) {
      const message = err.messageIn(lang);
      res.status(err.status).json({ error: { code: 'bad_request', problem: err.problem, message } });
      return;
    }
    if (err instanceof InvitationFileError) {
      const status = INVITATION_STATUS[err.problem] ?? 400;
      const slow = err.problem === 'too-slow';
      if (status >= 500 && !slow) logger.error({ err }, 'invitation reader unavailable');
      res.status(status).json({
        error: {
          code: slow ? 'timeout' : status >= 500 ? 'internal' : 'bad_request',
          problem: err.problem,
          message: err.messageIn(lang),
        },
      });
      return;
    }
    if (err instanceof ImportRefusedError) {
      res.status(409).json({ error: { code: 'conflict', message: err.messageIn(lang) } });
      return;
    }
    const e = err as { type?: string; limit?: number; length?: number };
    if (e.type === 'entity.too.large') {
      const max = req.path.startsWith('/invitations') ? MAX_INVITATION_UPLOAD_BYTES : MAX_IMPORT_BYTES;
      res.status(413).json({
        error: {
          code: 'bad_request',
          problem: 'too-large',
          message: inLang(
            words(`Tệp quá lớn (tối đa ${max / 1024 / 1024} MB).`, `File too large (at most ${max / 1024 / 1024} MB).`),
            lang,
          ),
        },
      });
      return;
    }
    next(err);
  };
}
