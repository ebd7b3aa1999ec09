// [H18.2] Issue 18's .docx: 592 bytes whose word/document.xml is one paragraph and then "<w:p "
// repeated, never closed. The reader's regular expression retried `[^>]*` to the end of the part from
// every "<w:p ": 10 s for 592 bytes, a minute for ~1 KB. Built here with the tests' zip writer, and
// read with work bounded by the part's length; the same shape past the zip budget (2 KB inflating
// over 1 MB, 900 times) is refused before it is inflated. Then the other budgets of an invitation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docxToText } from '../../../server/invitation/docx';
import { MAX_DOCUMENT_CHARS } from '../../../server/invitation/document';
import { extractInvitationText, InvitationFileError } from '../../../server/invitation/extract';
import { pdfToText, PdfToolError } from '../../../server/invitation/pdf';
import { stepsOf } from '../../../server/parsing/work';
import { buildPdf, buildZip } from './files';

const dir = mkdtempSync(join(tmpdir(), 'dc-h18-docx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
  '<w:p><w:r><w:t>GIẤY MỜI</w:t></w:r></w:p>';

const xmlOf = (reps: number): string => HEAD + '<w:p '.repeat(reps);
const hostileDocx = (reps: number): Buffer => buildZip([{ name: 'word/document.xml', data: Buffer.from(xmlOf(reps)) }]);

/** The most repetitions whose archive is at most `bytes` long (deflate makes size grow with them). */
function repsFor(bytes: number): number {
  let lo = 1;
  let hi = 2_000_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (hostileDocx(mid).length <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

async function refusal(file: string): Promise<InvitationFileError> {
  try {
    await extractInvitationText(file);
  } catch (err) {
    if (err instanceof InvitationFileError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

function put(name: string, data: Buffer | string): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

describe('[H18.2] the 592-byte .docx of issue 18', () => {
  const reps = repsFor(592);
  const docx = hostileDocx(reps);

  it('[H18.2] is the shape reported: 592 bytes or just under, tens of thousands of "<w:p "', () => {
    expect(docx.length).toBeGreaterThan(560);
    expect(docx.length).toBeLessThanOrEqual(592);
    expect(reps).toBeGreaterThan(20_000);
  });

  it('[H18.2] is read with work bounded by the length of its document.xml', () => {
    let text = '';
    const steps = stepsOf(() => {
      text = docxToText(docx);
    });
    expect(text).toBe('GIẤY MỜI\n');
    // Inflating counts each byte once, scanning it a few times more.
    expect(steps).toBeLessThanOrEqual(4 * xmlOf(reps).length);
  });

  it('[H18.2] is refused as a document without text, with a message', async () => {
    const err = await refusal(put('giay-moi-592.docx', docx));
    expect(err.problem).toBe('no-text');
    expect(err.message).toBe('Tệp không có nội dung chữ.');
  });

  it('[H18.2] costs the same work per character at 592 B and at 1 KB (no longer a minute)', () => {
    const sizes = [592, 1024].map(repsFor);
    const steps = sizes.map((r) => stepsOf(() => docxToText(hostileDocx(r))));
    const perChar = steps.map((s, i) => s / xmlOf(sizes[i] as number).length);
    for (const p of perChar) expect(p).toBeLessThanOrEqual(4);
  });

  it('[H18.2] at 2 KB the same shape inflates past 1 MB at over 100:1 and is refused as a zip bomb', async () => {
    const bombReps = repsFor(2048);
    const bomb = hostileDocx(bombReps);
    expect(xmlOf(bombReps).length).toBeGreaterThan(1024 * 1024);
    // Refused from the directory, before a byte is inflated.
    const steps = stepsOf(() => expect(() => docxToText(bomb)).toThrow(/compressed \d+ times/));
    expect(steps).toBeLessThan(1_000);
    const err = await refusal(put('bom-nen.docx', bomb));
    expect(err.problem).toBe('too-large');
    expect(err.message).toMatch(/^Tệp \.docx nén bất thường \(giải nén ra gấp \d+ lần, tối đa 100 lần\)/);
    expect(err.message).toContain('zip bomb');
  });
});

describe('[H18.2] the other budgets of an invitation', () => {
  it('[H18.2] refuses a text longer than the readers take, naming the limit', async () => {
    const err = await refusal(put('dai.txt', 'Giấy mời họp trực tuyến. '.repeat(MAX_DOCUMENT_CHARS / 20)));
    expect(err.problem).toBe('too-large');
    expect(err.message).toMatch(/^Văn bản quá dài \([\d.]+ ký tự, tối đa 500\.000\)/);
  });

  it('[H18.2] refuses a document.xml larger than 16 MB from its declared size', async () => {
    const big = buildZip([{ name: 'word/document.xml', data: Buffer.from('<w:p/>'), declaredSize: 17 * 1024 * 1024 }]);
    const err = await refusal(put('lon.docx', big));
    expect(err.problem).toBe('too-large');
    expect(err.message).toBe('Tệp .docx giải nén ra quá lớn (17,0 MB, tối đa 16,0 MB).');
  });

  it('[H18.2] stops pdftotext at its output and time budgets, each with its own problem', async () => {
    const pdf = put('giay-moi.pdf', buildPdf(['GIẤY MỜI', 'Hội nghị trực tuyến triển khai nhiệm vụ năm 2026']));
    await expect(pdfToText(pdf, { maxBytes: 10 })).rejects.toMatchObject({ problem: 'too-much-text' });
    const slow = pdfToText(pdf, { timeoutMs: 1 });
    await expect(slow).rejects.toBeInstanceOf(PdfToolError);
    await expect(slow).rejects.toMatchObject({ problem: 'too-slow' });
  });
});
