// Text layer of a PDF through poppler's pdftotext (Debian poppler-utils), run with an argument
// array and an absolute path so no file name can be read as an option or by a shell.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** Why pdftotext gave no text: absent, over a budget (output size, time), or the file itself. */
export type PdfProblem = 'missing-tool' | 'too-much-text' | 'too-slow' | 'bad-file';

export class PdfToolError extends Error {
  constructor(
    message: string,
    readonly missingTool = false,
    readonly problem: PdfProblem = missingTool ? 'missing-tool' : 'bad-file',
  ) {
    super(message);
    this.name = 'PdfToolError';
  }
}

export interface PdfOptions {
  /** Largest text output accepted, in bytes. */
  maxBytes?: number;
  timeoutMs?: number;
}

/** pdftotext's budgets: an invitation's text is a few hundred kB and comes out in well under a second. */
export const PDF_MAX_TEXT_BYTES = 16 * 1024 * 1024;
export const PDF_TIMEOUT_MS = 15_000;

export function pdfToText(file: string, opts: PdfOptions = {}): Promise<string> {
  const args = ['-layout', '-enc', 'UTF-8', resolve(file), '-'];
  const maxBuffer = opts.maxBytes ?? PDF_MAX_TEXT_BYTES;
  const timeout = opts.timeoutMs ?? PDF_TIMEOUT_MS;
  return new Promise((done, fail) => {
    execFile(
      'pdftotext',
      args,
      // SIGKILL: a pdftotext stuck in a crafted file must not outlive its budget by ignoring SIGTERM.
      { encoding: 'buffer', maxBuffer, timeout, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === 'ENOENT') fail(new PdfToolError('pdftotext not found (install poppler-utils)', true));
          else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            fail(new PdfToolError(`more than ${maxBuffer} bytes of text`, false, 'too-much-text'));
          } else if (e.killed) fail(new PdfToolError(`still running after ${timeout} ms`, false, 'too-slow'));
          else fail(new PdfToolError(stderr.toString('utf8').trim() || err.message));
          return;
        }
        done(stdout.toString('utf8'));
      },
    );
  });
}
