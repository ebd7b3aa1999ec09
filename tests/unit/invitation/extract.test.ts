import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxToText, documentXmlToText } from '../../../server/invitation/docx';
import { extractInvitationText, InvitationFileError, MAX_INVITATION_BYTES } from '../../../server/invitation/extract';
import { parseInvitationText } from '../../../server/invitation/parse';
import { listZipEntries, readZipEntry, ZipError } from '../../../server/invitation/zip';
import { buildDocx, buildPdf, buildZip, documentXml } from './files';

const FIXTURES = join(import.meta.dirname, '../../fixtures/invitations');
const SAMPLE = 'giay-moi-quang-tri-2025-hai-cap.txt';
const sampleText = readFileSync(join(FIXTURES, SAMPLE), 'utf8');
const expected = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, unknown>)[SAMPLE];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'diemcau-invitation-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function put(name: string, data: Buffer | string): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

async function problemOf(file: string): Promise<string> {
  try {
    await extractInvitationText(file);
  } catch (err) {
    if (err instanceof InvitationFileError) return err.problem;
    throw err;
  }
  return 'none';
}

describe('text files', () => {
  it('reads UTF-8, with and without a BOM', async () => {
    expect(parseInvitationText(await extractInvitationText(put('a.txt', sampleText)))).toEqual(expected);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sampleText)]);
    expect(parseInvitationText(await extractInvitationText(put('b.txt', bom)))).toEqual(expected);
  });

  it('reads UTF-16 LE and BE with a BOM', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sampleText, 'utf16le')]);
    expect(await extractInvitationText(put('le.txt', le))).toBe(sampleText);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sampleText, 'utf16le').swap16()]);
    expect(await extractInvitationText(put('be.TXT', be))).toBe(sampleText);
  });

  it('refuses a legacy 8-bit encoding rather than garbling it', async () => {
    expect(await problemOf(put('tcvn3.txt', Buffer.from([0x47, 0x49, 0xb8, 0x59, 0x20, 0x4d, 0xe5, 0x49])))).toBe(
      'bad-file',
    );
  });
});

describe('docx', () => {
  const paragraphs = sampleText.split('\n');

  it('reads a Word document built with zlib (deflate) into the same draft as the text', async () => {
    const file = put('giay-moi.docx', buildDocx(paragraphs));
    const text = await extractInvitationText(file);
    expect(text).toContain('1. Thời gian: 08 giờ 00 phút, thứ Sáu, ngày 15/8/2025.');
    expect(parseInvitationText(text)).toEqual(expected);
  });

  it('reads stored (uncompressed) entries too', async () => {
    const file = put('stored.docx', buildDocx(paragraphs, 'stored'));
    expect(parseInvitationText(await extractInvitationText(file))).toEqual(expected);
  });

  it('keeps paragraphs, tabs, breaks and entities, and skips deleted text and field codes', () => {
    const xml =
      '<w:body><w:p><w:r><w:t>A &amp; B</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> &#7879;&#x1EC7;</w:t></w:r>' +
      '<w:r><w:br/><w:t>line</w:t></w:r></w:p><w:p/><w:p><w:r><w:delText>gone</w:delText></w:r>' +
      '<w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>kept</w:t></w:r></w:p></w:body>';
    expect(documentXmlToText(xml)).toBe('A & B\t ệệ\nline\n\nkept\n');
    expect(documentXmlToText(documentXml(['Điểm cầu <tỉnh> & "xã"']))).toBe('Điểm cầu <tỉnh> & "xã"\n');
  });

  it('refuses a .docx that is not a Word archive', async () => {
    expect(await problemOf(put('text.docx', 'GIẤY MỜI'))).toBe('bad-file');
    const noDocument = buildZip([{ name: 'content.xml', data: Buffer.from('<x/>') }]);
    expect(await problemOf(put('odt-like.docx', noDocument))).toBe('bad-file');
    expect(() => docxToText(noDocument)).toThrow(ZipError);
  });
});

describe('zip reader bounds', () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 0x41);

  it('lists and reads entries', () => {
    const zip = buildZip([
      { name: 'a.txt', data: Buffer.from('alpha') },
      { name: 'b/c.txt', data: Buffer.from('gamma'), method: 'stored' },
    ]);
    expect(listZipEntries(zip)).toEqual(['a.txt', 'b/c.txt']);
    expect(readZipEntry(zip, 'b/c.txt')?.toString()).toBe('gamma');
    expect(readZipEntry(zip, 'missing')).toBeNull();
  });

  it('refuses an entry declared larger than the limit without inflating it', () => {
    const zip = buildZip([{ name: 'word/document.xml', data: big }]);
    expect(zip.length).toBeLessThan(20_000); // a small archive…
    expect(() => readZipEntry(zip, 'word/document.xml', { maxEntries: 10, maxEntryBytes: 1024 * 1024 })).toThrow(
      /too large/,
    ); // …that would inflate to 4 MiB
  });

  it('stops inflating at the declared size when the directory lies (zip bomb)', () => {
    const zip = buildZip([{ name: 'word/document.xml', data: big, declaredSize: 100 }]);
    expect(() => readZipEntry(zip, 'word/document.xml')).toThrow(ZipError);
  });

  it('refuses corrupt, truncated and oversized archives', () => {
    const good = buildZip([{ name: 'x', data: Buffer.from('hello hello hello') }]);
    expect(() => readZipEntry(buildZip([{ name: 'x', data: Buffer.from('hi'), crc: 1 }]), 'x')).toThrow(/CRC/);
    expect(() => readZipEntry(good.subarray(0, good.length - 30), 'x')).toThrow(ZipError);
    expect(() => readZipEntry(Buffer.from('PK'), 'x')).toThrow(ZipError);
    const many = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
    expect(() => listZipEntries(many, { maxEntries: 10, maxEntryBytes: 1024 })).toThrow(/too many/);
    const misdirected = Buffer.from(good);
    misdirected.writeUInt32LE(0, misdirected.length - 22 + 16); // directory offset → the local header
    expect(() => readZipEntry(misdirected, 'x')).toThrow(/corrupt central directory/);
  });
});

describe('pdf', () => {
  const lines = sampleText.split('\n');

  it('reads the text layer with pdftotext into the same draft as the text', async () => {
    const file = put('giay-moi.pdf', buildPdf(lines));
    const text = await extractInvitationText(file);
    expect(text).toContain('Điểm cầu các xã, phường, đặc khu');
    expect(parseInvitationText(text)).toEqual(expected);
  });

  it('says so when a PDF has no text layer (a scan)', async () => {
    expect(await problemOf(put('scan.pdf', buildPdf(null)))).toBe('no-text');
  });

  it('refuses a file that only claims to be a PDF, or a broken one', async () => {
    expect(await problemOf(put('fake.pdf', sampleText))).toBe('bad-file');
    expect(await problemOf(put('broken.pdf', '%PDF-1.4\ngarbage without objects\n'))).toMatch(/bad-file|no-text/);
  });

  it('reads a file whose name looks like an option', async () => {
    put('-v.pdf', buildPdf(lines));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(parseInvitationText(await extractInvitationText('-v.pdf'))).toEqual(expected);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('other files', () => {
  it('refuses other types with a message that says what to do', async () => {
    for (const name of ['giay-moi.doc', 'giay-moi.odt', 'giay-moi', 'anh.jpg']) {
      const file = put(name, 'x');
      await expect(extractInvitationText(file)).rejects.toThrow(/chỉ nhận \.txt, \.docx, \.pdf/);
    }
    await expect(extractInvitationText(put('old.doc', 'x'))).rejects.toThrow(/lưu lại thành \.docx/);
  });

  it('refuses missing, empty and oversized files', async () => {
    expect(await problemOf(join(dir, 'missing.txt'))).toBe('not-found');
    expect(await problemOf(put('empty.txt', ''))).toBe('no-text');
    const huge = put('huge.txt', '');
    truncateSync(huge, MAX_INVITATION_BYTES + 1); // sparse: no 32 MiB written
    expect(await problemOf(huge)).toBe('too-large');
  });
});
