// Invitation file → text: .txt (UTF-8, or UTF-16 with a BOM), .docx, .pdf with a text layer.
// Anything else, or a document with no text in it, is refused with a message a technician can act on.
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { MAX_DOCUMENT_CHARS } from './document';
import { docxToText } from './docx';
import { pdfToText, PdfToolError, PDF_MAX_TEXT_BYTES, PDF_TIMEOUT_MS } from './pdf';
import { ZipError, ZipLimitError, zipLimitMessage } from './zip';

export type InvitationFileProblem =
  'not-found' | 'too-large' | 'unsupported-type' | 'bad-file' | 'no-text' | 'tool-missing' | 'too-slow';

export class InvitationFileError extends Error {
  constructor(
    readonly problem: InvitationFileProblem,
    message: string,
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
      'Tệp .txt không phải UTF-8 hay UTF-16 có BOM; hãy lưu lại với mã hóa UTF-8 (Unicode).',
    );
  }
}

async function readBounded(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvitationFileError('not-found', `Không tìm thấy tệp: ${file}`);
    throw new InvitationFileError('bad-file', `Không đọc được tệp ${file}: ${(err as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InvitationFileError('bad-file', `${file} không phải là tệp.`);
    if (stat.size > MAX_INVITATION_BYTES) {
      throw new InvitationFileError('too-large', `Tệp quá lớn (${stat.size} byte, tối đa ${MAX_INVITATION_BYTES}).`);
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
      `Văn bản quá dài (${count(text.length)} ký tự, tối đa ${count(MAX_DOCUMENT_CHARS)}): ` +
        'giấy mời, kế hoạch chỉ vài trang. Hãy tách riêng phần giấy mời.',
    );
  }
}

export async function extractInvitationText(file: string): Promise<string> {
  const ext = extname(file).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    const hint = ext === '.doc' ? ' Hãy mở bằng Word và lưu lại thành .docx hoặc .pdf.' : '';
    throw new InvitationFileError(
      'unsupported-type',
      `Không đọc được loại tệp "${ext || '(không có đuôi)'}": chỉ nhận .txt, .docx, .pdf.${hint}`,
    );
  }
  const buf = await readBounded(file);
  let text: string;
  if (ext === '.txt') {
    text = decodeText(buf);
  } else if (ext === '.docx') {
    if (buf.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') {
      throw new InvitationFileError('bad-file', 'Tệp .docx không hợp lệ (không phải tệp nén ZIP của Word).');
    }
    try {
      text = docxToText(buf);
    } catch (err) {
      if (err instanceof ZipLimitError) throw new InvitationFileError('too-large', zipLimitMessage(err, '.docx'));
      if (err instanceof ZipError) throw new InvitationFileError('bad-file', `Tệp .docx không hợp lệ: ${err.message}`);
      throw err;
    }
  } else {
    if (buf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new InvitationFileError('bad-file', 'Tệp .pdf không hợp lệ (thiếu phần đầu %PDF-).');
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
        'PDF không có lớp chữ (có lẽ là bản scan): hãy dùng bản .docx/.pdf gốc hoặc nhận dạng chữ (OCR) trước.',
      );
    }
  }
  checkLength(text);
  if (!hasText(text)) throw new InvitationFileError('no-text', 'Tệp không có nội dung chữ.');
  return text;
}

function pdfProblem(err: PdfToolError): InvitationFileError {
  switch (err.problem) {
    case 'missing-tool':
      return new InvitationFileError('tool-missing', `Không đọc được PDF: ${err.message}`);
    case 'too-much-text':
      return new InvitationFileError(
        'too-large',
        `PDF có quá nhiều chữ (hơn ${PDF_MAX_TEXT_BYTES / 1024 / 1024} MB văn bản, tối đa ` +
          `${count(MAX_DOCUMENT_CHARS)} ký tự): giấy mời, kế hoạch chỉ vài trang. Hãy tách riêng phần giấy mời.`,
      );
    case 'too-slow':
      return new InvitationFileError(
        'too-slow',
        `Đọc PDF quá ${PDF_TIMEOUT_MS / 1000} giây nên đã dừng: tệp quá phức tạp. Hãy lưu lại thành .docx hoặc .txt.`,
      );
    default:
      return new InvitationFileError('bad-file', `Không đọc được PDF: ${err.message}`);
  }
}
