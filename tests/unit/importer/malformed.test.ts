// Malformed files: each refused with a message a technician can act on, and the inventory on disk
// exactly as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyImport, ImportFileError, ImportRefusedError, previewImport } from '../../../server/importer';
import { openTestInventory, type TestInventory } from './province';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'import');
let t: TestInventory;
let before: Awaited<ReturnType<TestInventory['reload']>>;

beforeEach(async () => {
  t = await openTestInventory();
  before = await t.reload();
});
afterEach(() => {
  t.dispose();
});

/** What the CLI and the REST apply do: preview, then apply (not only the valid rows). */
async function importFile(bytes: Uint8Array, filename?: string): Promise<Error> {
  try {
    await applyImport(t.inventory, await previewImport(bytes, t.inventory.data(), filename), false);
  } catch (err) {
    if (err instanceof ImportFileError || err instanceof ImportRefusedError) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

/** Whatever the case, nothing of the file reached the database. */
const unchangedOnDisk = async (): Promise<void> => {
  expect(await t.reload()).toEqual(before);
};

const header = 'Tên điểm cầu,Xã/Phường,Địa chỉ IP\n';

describe('files refused as a whole', () => {
  it.each([
    [
      'wrong encoding (Windows-1258)',
      readFileSync(join(FIXTURES, 'danh-sach-windows-1258.csv')),
      'encoding',
      /CSV UTF-8/,
    ],
    ['an empty file', Buffer.alloc(0), 'empty', /rỗng/],
    ['blank lines only', Buffer.from('\r\n\r\n  \n'), 'empty', /rỗng/],
    ['only the header', Buffer.from(header), 'no-rows', /chỉ có dòng tiêu đề/],
    ['only the header and empty rows', Buffer.from(`${header},,\n,,\n`), 'no-rows', /chỉ có dòng tiêu đề/],
    [
      'missing required columns',
      Buffer.from('Tên điểm cầu,Phòng họp\nA,B\n'),
      'missing-columns',
      /Thiếu cột bắt buộc: Xã\/Phường.*Địa chỉ IP/,
    ],
    ['no header at all', Buffer.from('a,b,c\n1,2,3\n'), 'no-header', /Không tìm thấy dòng tiêu đề/],
    ['an unterminated quote', Buffer.from(`${header}"A,Thạch Kim,127.30.0.9\n`), 'bad-file', /ngoặc kép/],
    [
      'an Excel 97–2003 file',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      'unsupported-type',
      /\.xls/,
    ],
    ['a 10 MB file', Buffer.alloc(10 * 1024 * 1024, 'a,b,c\n'), 'too-large', /quá lớn.*10,0 MB/],
    ['too many rows', Buffer.from(header + 'A,Thạch Kim,127.30.0.9\n'.repeat(50_200)), 'too-many-rows', /tối đa 50000/],
  ])('%s', async (_what, bytes, problem, message) => {
    const err = await importFile(bytes);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).problem).toBe(problem);
    expect(err.message).toMatch(message);
    await unchangedOnDisk();
  });
});

describe('files with bad rows: nothing applied', () => {
  it.each([
    ['duplicate codes', 'Mã,Tên điểm cầu,Đơn vị,IP\nX1,A,Thạch Kim,127.30.20.1\nX1,B,Thạch Kim,127.30.20.2\n'],
    ['a bad IP', `${header}A,Thạch Kim,127.30.20.1\nB,Thạch Kim,300.1.1.1\n`],
    ['"-f" as a host', `${header}A,Thạch Kim,127.30.20.1\nB,Thạch Kim,-f\n`],
    ['"$(x)" as a host', `${header}A,Thạch Kim,127.30.20.1\nB,Thạch Kim,$(x)\n`],
    ['";" in a host', `${header}A,Thạch Kim,127.30.20.1\nB,Thạch Kim,"127.0.0.1;rm -rf /"\n`],
    ['an unknown unit', `${header}A,Thạch Kim,127.30.20.1\nB,Xã Ma,127.30.20.2\n`],
  ])('%s', async (_what, text) => {
    const err = await importFile(Buffer.from(text));
    expect(err).toBeInstanceOf(ImportRefusedError);
    expect(err.message).toMatch(/\d dòng có lỗi nên chưa nhập gì/);
    await unchangedOnDisk();
  });
});
