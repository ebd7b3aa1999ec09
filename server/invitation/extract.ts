// Invitation file → text: .txt (UTF-8, or UTF-16 with a BOM), .docx, .pdf with a text layer.
// Anything else, or a document with no text in it, is refused with a message a technician can act on.
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { MAX_DOCUMENT_CHARS } from './document';
import { docxToText } from './docx';
import { pdfToText, PdfToolError, PDF_MAX_TEXT_BYTES, PDF_TIMEOUT_MS } from './pdf';
import { ZipError, ZipLimitError, zipLimitMessage } from './zip';
import { UserError, type Said } from '../errors';
import { words } from '../../shared/words';

export type InvitationFileProblem =
  'not-found' | 'too-large' | 'unsupported-type' | 'bad-file' | 'no-text' | 'tool-missing' | 'too-slow';

/** An invitation file refused as a whole; its words in Vietnamese and English (`messageIn`). */
export class InvitationFileError extends UserError {
  constructor(
    readonly problem: InvitationFileProblem,
    message: Said,
  ) {
    super(message);
    this.name = 'InvitationFileError';
  }
}

export const MAX_INVITATION_BYTES = 32 * 1024 * 1024;
export const SUPPORTED_EXTENSIONS = ['.txt', '.docx', '.pdf'] as const;

/** UTF-8 (with or without BOM) or UTF-16 LE/BE with a BOM; anything else is refused. */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new InvitationFileError(
      'bad-file',
      words(
        'Tệp .txt không phải UTF-8 hay UTF-16 có BOM; hãy lưu lại với mã hóa UTF-8 (Unicode).',
        'The .txt file is neither UTF-8 nor UTF-16 with a BOM; save it again as UTF-8 (Unicode).',
      ),
    );
  }
}

async function readBounded(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InvitationFileError('not-found', words(`Không tìm thấy tệp: ${file}`, `File not found: ${file}`));
    const why = (err as Error).message;
    throw new InvitationFileError(
      'bad-file',
      words(`Không đọc được tệp ${file}: ${why}`, `Cannot read the file ${file}: ${why}`),
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new InvitationFileError('bad-file', words(`${file} không phải là tệp.`, `${file} is not a file.`));
    if (stat.size > MAX_INVITATION_BYTES) {
      throw new InvitationFileError(
        'too-large',
        words(
          `Tệp quá lớn (${stat.size} byte, tối đa ${MAX_INVITATION_BYTES}).`,
          `File too large (${stat.size} bytes, at most ${MAX_INVITATION_BYTES}).`,
        ),
      );
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

const LETTER = /\p{L}/u;

/** At least 20 letters; counted until the 20th, not by collecting every letter of a long text. */
function hasText(text: string): boolean {
  let letters = 0;
  for (let i = 0; i < text.length && letters < 20; i++) if (LETTER.test(text.charAt(i))) letters++;
  return letters >= 20;
}

const count = (n: number): string => n.toLocaleString('vi-VN');

/** The readers' budget (document.ts): longer is not an invitation, and is refused rather than cut. */
function checkLength(text: string): void {
  if (text.length > MAX_DOCUMENT_CHARS) {
    throw new InvitationFileError(
      'too-large',
      words(
        `Văn bản quá dài (${count(text.length)} ký tự, tối đa ${count(MAX_DOCUMENT_CHARS)}): ` +
          'giấy mời, kế hoạch chỉ vài trang. Hãy tách riêng phần giấy mời.',
        `The text is too long (${text.length} characters, at most ${MAX_DOCUMENT_CHARS}): ` +
          'an invitation or plan is a few pages. Take the invitation part out on its own.',
      ),
    );
  }
}

export async function extractInvitationText(file: string): Promise<string> {
  const ext = extname(file).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    const doc = ext === '.doc';
    throw new InvitationFileError(
      'unsupported-type',
      words(
        `Không đọc được loại tệp “${ext || '(không có đuôi)'}”: chỉ nhận .txt, .docx, .pdf.` +
          (doc ? ' Hãy mở bằng Word và lưu lại thành .docx hoặc .pdf.' : ''),
        `Cannot read a "${ext || '(no extension)'}" file: only .txt, .docx, .pdf are accepted.` +
          (doc ? ' Open it in Word and save it as .docx or .pdf.' : ''),
      ),
    );
  }
  const buf = await readBounded(file);
  let text: string;
  if (ext === '.txt') {
    text = decodeText(buf);
  } else if (ext === '.docx') {
    if (buf.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') {
      throw new InvitationFileError(
        'bad-file',
        words(
          'Tệp .docx không hợp lệ (không phải tệp nén ZIP của Word).',
          'Not a valid .docx file (not a Word ZIP package).',
        ),
      );
    }
    try {
      text = docxToText(buf);
    } catch (err) {
      if (err instanceof ZipLimitError) throw new InvitationFileError('too-large', zipLimitMessage(err, '.docx'));
      if (err instanceof ZipError) {
        throw new InvitationFileError(
          'bad-file',
          words(`Tệp .docx không hợp lệ: ${err.message}`, `Not a valid .docx file: ${err.message}`),
        );
      }
      throw err;
    }
  } else {
    if (buf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new InvitationFileError(
        'bad-file',
        words('Tệp .pdf không hợp lệ (thiếu phần đầu %PDF-).', 'Not a valid .pdf file (no %PDF- header).'),
      );
    }
    try {
      text = await pdfToText(file);
    } catch (err) {
      if (err instanceof PdfToolError) throw pdfProblem(err);
      throw err;
    }
    checkLength(text);
    if (!hasText(text)) {
      throw new InvitationFileError(
        'no-text',
        words(
          'PDF không có lớp chữ (có lẽ là bản scan): hãy dùng bản .docx/.pdf gốc hoặc nhận dạng chữ (OCR) trước.',
          'The PDF has no text layer (a scan, probably): use the original .docx/.pdf or run text recognition (OCR) first.',
        ),
      );
    }
  }
  checkLength(text);
  if (!hasText(text))
    throw new InvitationFileError('no-text', words('Tệp không có nội dung chữ.', 'The file has no text in it.'));
  return text;
}

function pdfProblem(err: PdfToolError): InvitationFileError {
  switch (err.problem) {
    case 'missing-tool':
      return new InvitationFileError(
        'tool-missing',
        words(
          'Không đọc được PDF: máy chủ chưa cài pdftotext (cài gói poppler-utils).',
          `Cannot read the PDF: ${err.message}`,
        ),
      );
    case 'too-much-text':
      return new InvitationFileError(
        'too-large',
        words(
          `PDF có quá nhiều chữ (hơn ${PDF_MAX_TEXT_BYTES / 1024 / 1024} MB văn bản, tối đa ` +
            `${count(MAX_DOCUMENT_CHARS)} ký tự): giấy mời, kế hoạch chỉ vài trang. Hãy tách riêng phần giấy mời.`,
          `The PDF holds too much text (over ${PDF_MAX_TEXT_BYTES / 1024 / 1024} MB, at most ` +
            `${MAX_DOCUMENT_CHARS} characters): an invitation or plan is a few pages. Take the invitation part out on its own.`,
        ),
      );
    case 'too-slow':
      return new InvitationFileError(
        'too-slow',
        words(
          `Đọc PDF quá ${PDF_TIMEOUT_MS / 1000} giây nên đã dừng: tệp quá phức tạp. Hãy lưu lại thành .docx hoặc .txt.`,
          `Reading the PDF took over ${PDF_TIMEOUT_MS / 1000} s, so it was stopped: the file is too complex. Save it as .docx or .txt.`,
        ),
      );
    default:
      return new InvitationFileError(
        'bad-file',
        words(`Không đọc được PDF: ${err.message}`, `Cannot read the PDF: ${err.message}`),
      );
  }
}
