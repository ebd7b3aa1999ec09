// Text layer of a PDF through poppler's pdftotext (Debian poppler-utils), run with an argument
// array and an absolute path so no file name can be read as an option or by a shell.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export class PdfToolError extends Error {
  constructor(
    message: string,
    readonly missingTool = false,
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

export function pdfToText(file: string, opts: PdfOptions = {}): Promise<string> {
  const args = ['-layout', '-enc', 'UTF-8', resolve(file), '-'];
  return new Promise((done, fail) => {
    execFile(
      'pdftotext',
      args,
      { encoding: 'buffer', maxBuffer: opts.maxBytes ?? 16 * 1024 * 1024, timeout: opts.timeoutMs ?? 30_000 },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') fail(new PdfToolError('pdftotext not found (install poppler-utils)', true));
          else fail(new PdfToolError(stderr.toString('utf8').trim() || err.message));
          return;
        }
        done(stdout.toString('utf8'));
      },
    );
  });
}
