// [H18.2] Point lists over a budget are refused as a whole, as soon as the budget is met, with a
// message naming it and a 413: rows, columns and cells of a CSV; for an XLSX the zip budgets (a zip
// bomb), the ranges exceljs would expand cell by cell (merged cells, defined names), a stray cell in
// the last column, too many row elements. Parts exceljs is told to skip (data validations) cost
// nothing however wide their ranges.
import { describe, expect, it } from 'vitest';
import { ImportFileError, parseCsv, readXlsx, writeXlsx } from '../../../server/importer';
import { MAX_CELL_CHARS, MAX_IMPORT_CELLS, MAX_IMPORT_COLUMNS } from '../../../server/importer/errors';
import { forEachZipEntry } from '../../../server/invitation/zip';
import { stepsOf } from '../../../server/parsing/work';
import { buildZip } from '../invitation/files';

function refusal(fn: () => unknown): ImportFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(p: Promise<unknown>): Promise<ImportFileError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('[H18.2] CSV budgets', () => {
  it('[H18.2] refuses a row of more than 200 columns, naming the row and the limit', () => {
    const err = refusal(() => parseCsv(`a${',x'.repeat(MAX_IMPORT_COLUMNS + 50)}\n`, ','));
    expect(err.problem).toBe('too-many-cells');
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^Dòng 1 có 201 cột, tối đa 200\./);
  });

  it('[H18.2] refuses more than 2,000,000 cells, having read no further', () => {
    const text = `${'x,'.repeat(40)}x\n`.repeat(50_000);
    const err = refusal(() => parseCsv(text, ','));
    expect(err.problem).toBe('too-many-cells');
    expect(err.message).toMatch(
      new RegExp(`^Tệp có hơn ${MAX_IMPORT_CELLS} ô \\(dòng × cột\\), tối đa ${MAX_IMPORT_CELLS}`),
    );
  });

  it('[H18.2] refuses a cell longer than Excel allows', () => {
    const err = refusal(() => parseCsv(`Tên,IP\n"${'a'.repeat(MAX_CELL_CHARS + 1)}",1\n`, ','));
    expect(err.message).toBe(
      `Ô ở dòng 2, cột 1 dài ${MAX_CELL_CHARS + 1} ký tự, tối đa ${MAX_CELL_CHARS} (giới hạn của Excel).`,
    );
  });

  it('[H18.2] stops at the row budget: a million line ends cost what 100,000 do', () => {
    const small = stepsOf(() => refusal(() => parseCsv('x\n'.repeat(100_000), ',')));
    const large = stepsOf(() => refusal(() => parseCsv('x\n'.repeat(1_000_000), ',')));
    expect(large).toBe(small);
    expect(refusal(() => parseCsv('x\n'.repeat(1_000_000), ',')).message).toMatch(
      /^Tệp có hơn 50100 dòng, tối đa 50000/,
    );
  });
});

/** A small real workbook with some of its parts replaced (written raw, as a hostile file would be). */
async function workbookWith(replace: Record<string, string>): Promise<Buffer> {
  const base = await writeXlsx('Danh sách', [
    ['Tên điểm cầu', 'Xã/Phường', 'Địa chỉ IP'],
    ['A', 'Xã Số 1', '127.0.0.1'],
  ]);
  const entries: { name: string; data: Buffer }[] = [];
  forEachZipEntry(base, (name, data) =>
    entries.push({ name, data: replace[name] === undefined ? data : Buffer.from(replace[name]) }),
  );
  return buildZip(entries);
}

const SHEET = 'xl/worksheets/sheet1.xml';
const sheetXml = (rows: string, after = ''): string =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  `<sheetData>${rows}</sheetData>${after}</worksheet>`;
const cell = (ref: string, text: string): string => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADER = `<row r="1">${cell('A1', 'Tên điểm cầu')}${cell('B1', 'Xã/Phường')}${cell('C1', 'Địa chỉ IP')}</row>`;

describe('[H18.2] XLSX budgets', () => {
  it('[H18.2] reads the workbook these tests alter, untouched', async () => {
    const [sheet] = await readXlsx(await workbookWith({ [SHEET]: sheetXml(HEADER) }));
    expect(sheet?.rows).toEqual([['Tên điểm cầu', 'Xã/Phường', 'Địa chỉ IP']]);
  });

  it('[H18.2] refuses a zip bomb (a sheet inflating over 1 MB at more than 100:1) before exceljs sees it', async () => {
    const bomb = await workbookWith({ [SHEET]: sheetXml(HEADER + '<row/>'.repeat(400_000)) });
    const err = await refusalOf(readXlsx(bomb));
    expect(err.problem).toBe('too-complex');
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^Tệp \.xlsx nén bất thường \(giải nén ra gấp \d+ lần, tối đa 100 lần\)/);
  });

  it('[H18.2] refuses a merged range exceljs would expand cell by cell (A1:XFD1048576)', async () => {
    const xml = sheetXml(HEADER, '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>');
    const err = await refusalOf(readXlsx(await workbookWith({ [SHEET]: xml })));
    expect(err.problem).toBe('too-complex');
    expect(err.message).toMatch(/^Tệp \.xlsx có 1 vùng gộp ô \(17179852800 ô\), tối đa 10000 vùng và 2000000 ô\./);
  });

  it('[H18.2] refuses a defined name over the whole sheet', async () => {
    const workbook =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      '<sheets><sheet sheetId="1" name="Danh sách" state="visible" r:id="rId4"/></sheets>' +
      '<definedNames><definedName name="vung">\'Danh sách\'!$A$1:$XFD$1048576</definedName></definedNames></workbook>';
    const err = await refusalOf(readXlsx(await workbookWith({ 'xl/workbook.xml': workbook })));
    expect(err.problem).toBe('too-complex');
    expect(err.message).toMatch(
      /^Tệp \.xlsx có vùng được đặt tên \(Name Manager\) phủ 17179869184 ô, tối đa 2000000\./,
    );
  });

  it('[H18.2] skips a data validation over the whole sheet instead of expanding it', async () => {
    const xml = sheetXml(
      HEADER,
      '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576">' +
        '<formula1>"a,b"</formula1></dataValidation></dataValidations>',
    );
    const [sheet] = await readXlsx(await workbookWith({ [SHEET]: xml }));
    expect(sheet?.rows).toHaveLength(1);
  });

  it('[H18.2] refuses a stray cell in the last column rather than make every row 16,384 cells wide', async () => {
    const err = await refusalOf(
      readXlsx(await workbookWith({ [SHEET]: sheetXml(`${HEADER}<row r="2">${cell('XFD2', 'x')}</row>`) })),
    );
    expect(err.problem).toBe('too-many-cells');
    expect(err.message).toMatch(/^Trang tính “Danh sách” có 16384 cột, tối đa 200\./);
  });

  it('[H18.2] refuses a last row far below, and too many row elements while reading', async () => {
    const far = await refusalOf(
      readXlsx(await workbookWith({ [SHEET]: sheetXml(`${HEADER}<row r="1048576">${cell('A1048576', 'x')}</row>`) })),
    );
    expect(far.problem).toBe('too-many-rows');
    expect(far.message).toMatch(/^Trang tính “Danh sách” có 1048576 dòng, tối đa 50000\./);
    const rows = Array.from({ length: 50_101 }, (_, i) => `<row r="${i + 2}">${cell(`A${i + 2}`, 'x')}</row>`).join('');
    const many = await refusalOf(readXlsx(await workbookWith({ [SHEET]: sheetXml(HEADER + rows) })));
    expect(many.problem).toBe('too-many-rows');
    expect(many.message).toMatch(/^Tệp có hơn 50100 dòng, tối đa 50000 dòng dữ liệu/);
  });
});
