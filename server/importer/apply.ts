// Saves a preview: its new and updated points in one Inventory.apply (all or nothing). Refused while
// rows have errors, unless the caller chose to import the valid rows only.
import type { ImportPreview, ImportReport } from '../../shared/import';
import { words } from '../../shared/words';
import type { Point } from '../../shared/schemas';
import type { Inventory } from '../inventory/inventory';
import { ImportRefusedError } from './errors';

export async function applyImport(
  inventory: Inventory,
  preview: ImportPreview,
  validOnly: boolean,
): Promise<ImportReport> {
  const { counts } = preview;
  if (counts.invalid > 0 && !validOnly) {
    throw new ImportRefusedError(
      words(
        `${counts.invalid} dòng có lỗi nên chưa nhập gì. Hãy sửa tệp, hoặc chọn “Chỉ nhập các dòng hợp lệ”.`,
        `${counts.invalid} ${counts.invalid === 1 ? 'row has' : 'rows have'} errors, so nothing was imported. ` +
          'Fix the file, or choose "Import the valid rows only".',
      ),
    );
  }
  if (counts.invalid > 0 && counts.new + counts.updated + counts.unchanged === 0) {
    throw new ImportRefusedError(words('Không có dòng hợp lệ nào để nhập.', 'There is no valid row to import.'));
  }
  const created: string[] = [];
  const updated: string[] = [];
  const upsert: Point[] = [];
  for (const r of preview.rows) {
    if (!r.point || (r.status !== 'new' && r.status !== 'updated')) continue;
    upsert.push(r.point);
    (r.status === 'new' ? created : updated).push(r.point.code);
  }
  // Nothing to change: no write, no resync of every dashboard.
  if (upsert.length > 0) await inventory.apply({ upsertPoints: upsert });
  return {
    validOnly,
    created,
    updated,
    unchanged: counts.unchanged,
    skippedRows: preview.rows.filter((r) => r.status === 'invalid').map((r) => r.row),
    counts,
  };
}
