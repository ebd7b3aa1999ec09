// XLSX files built with exceljs in the test, as offices make them: an instructions sheet first, a
// merged title row, a district cell merged over its communes, numbers, rich text and formulas.
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewImport, readXlsx, writeXlsx } from '../../../server/importer';
import { openTestInventory, type TestInventory } from './province';

let t: TestInventory;
beforeEach(async () => {
  t = await openTestInventory();
});
afterEach(() => {
  t.dispose();
});

async function officeWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Hướng dẫn').addRow(['Điền mỗi điểm cầu một dòng; không sửa dòng tiêu đề.']);
  const ws = wb.addWorksheet('Danh sách');
  ws.addRow(['DANH SÁCH ĐIỂM CẦU HUYỆN LỘC HÀ']);
  ws.mergeCells('A1:F1');
  ws.addRow(['STT', 'Huyện', 'Xã/Phường', 'Tên điểm cầu', 'Địa chỉ IP', 'Cán bộ kỹ thuật', 'Số điện thoại']);
  ws.addRow([1, 'Lộc Hà', 'Tùng Lộc', 'Điểm cầu xã Tùng Lộc', '127.30.12.1', 'Đặng Văn Phúc', 913294787]);
  ws.addRow([
    2,
    null,
    'Thạch Kim',
    { richText: [{ text: 'Điểm cầu ', font: { bold: true } }, { text: 'xã Thạch Kim' }] },
    { formula: '"127.30.12."&"2"', result: '127.30.12.2' },
    'Ngô Thị Giang',
    '0966 777 888',
  ]);
  ws.mergeCells('B3:B4');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('XLSX', () => {
  it('reads cells as a person sees them, merged cells included', async () => {
    const sheets = await readXlsx(await officeWorkbook());
    expect(sheets.map((s) => s.name)).toEqual(['Hướng dẫn', 'Danh sách']);
    const rows = sheets[1]?.rows ?? [];
    expect(rows[2]?.[6]).toBe('913294787');
    expect(rows[3]?.[3]).toBe('Điểm cầu xã Thạch Kim');
    expect(rows[3]?.[4]).toBe('127.30.12.2');
    // The district cell is merged over both communes.
    expect(rows[3]?.[1]).toBe('Lộc Hà');
  });

  it('previews the sheet with the header, resolving a shared commune name by its merged district cell', async () => {
    const p = await previewImport(await officeWorkbook(), t.inventory.data());
    expect(p.format).toBe('xlsx');
    expect(p.sheet).toBe('Danh sách');
    expect(p.headerRow).toBe(2);
    expect(p.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    const [tungLoc, thachKim] = p.rows;
    expect(tungLoc?.point).toMatchObject({
      code: 'HT-LH-TUNG-LOC',
      unit: 'HT-LH-TUNG-LOC',
      contacts: [{ name: 'Đặng Văn Phúc', phone: '0913294787' }],
    });
    expect(thachKim?.point).toMatchObject({
      code: 'HT-LH-THACH-KIM',
      name: 'Điểm cầu xã Thạch Kim',
      targets: [{ host: '127.30.12.2' }],
    });
  });

  it('writes a sheet it reads back cell for cell, leading zeros and line breaks kept', async () => {
    const rows = [
      ['Mã điểm cầu', 'Số điện thoại', 'Cán bộ kỹ thuật'],
      ['=not a formula', '0913 294 787', 'Một\nHai'],
      ['', '0123', ''],
    ];
    const [sheet] = await readXlsx(await writeXlsx('Điểm cầu', rows));
    expect(sheet?.name).toBe('Điểm cầu');
    expect(sheet?.rows).toEqual(rows);
  });

  it('refuses a ZIP that is not a workbook with a clear message', async () => {
    const zip = Buffer.from('PK\u0003\u0004 this is not really a zip file at all', 'latin1');
    await expect(previewImport(zip, t.inventory.data())).rejects.toMatchObject({
      problem: 'bad-file',
      message: expect.stringContaining('.xlsx không hợp lệ'),
    });
  });
});
