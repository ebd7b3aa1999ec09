// A file against the inventory: every row with the point it would save or its errors, and the counts
// (new, updated, unchanged, invalid). Nothing is written here; apply.ts saves a preview's valid rows.
import type { ImportColumn, ImportCounts, ImportPreview, PreviewRow, RowIssue } from '../../shared/import';
import { words, type Words } from '../../shared/words';
import type { Point, Target, Unit } from '../../shared/schemas';
import { isCodecKind, targetId, targetLabel } from '../../shared/targets';
import { inventoryIssues } from '../inventory/validate';
import { ExistingNames } from './codes';
import { ImportFileError } from './errors';
import { findHeader } from './headers';
import { buildRow, isBlank, type BuiltRow, type Cells } from './rows';
import { readTable, type Table } from './table';
import { UnitResolver } from './units';
import { samePoint } from './compare';
import { spend } from '../parsing/work';

export interface InventoryView {
  units: readonly Unit[];
  points: readonly Point[];
}

export async function previewImport(buf: Uint8Array, inv: InventoryView, filename?: string): Promise<ImportPreview> {
  return previewTable(await readTable(buf, filename), inv);
}

export function previewTable(table: Table, inv: InventoryView): ImportPreview {
  const header = findHeader(table.rows);
  const present = new Set<ImportColumn>(header.columns.map((c) => c.column));
  const existing = new Map(inv.points.map((p) => [p.code, p]));
  const ctx = { resolver: new UnitResolver(inv.units), existing, names: new ExistingNames(inv.points), present };

  const built: BuiltRow[] = [];
  for (let i = header.row; i < table.rows.length; i++) {
    const raw = table.rows[i] ?? [];
    const cells: Cells = {};
    for (const m of header.columns) cells[m.column] = raw[m.index - 1] ?? '';
    if (isBlank(cells)) continue;
    built.push(buildRow(i + 1, cells, ctx));
  }
  if (built.length === 0) {
    throw new ImportFileError(
      'no-rows',
      words(
        `Tệp chỉ có dòng tiêu đề (dòng ${header.row}), không có dòng dữ liệu nào.`,
        `The file has only its header row (row ${header.row}), no data rows.`,
      ),
    );
  }
  markDuplicateCodes(built);
  markTargetConflicts(built, inv.points, present);
  markInventoryIssues(built, inv);

  const rows: PreviewRow[] = built.map((b) => {
    const invalid = b.errors.length > 0 || b.point === null;
    const before = b.code === null ? undefined : existing.get(b.code);
    const status = invalid
      ? 'invalid'
      : !before
        ? 'new'
        : samePoint(before, b.point as Point)
          ? 'unchanged'
          : 'updated';
    return {
      row: b.row,
      status,
      point: invalid ? null : b.point,
      cells: b.cells,
      derivedCode: b.derivedCode,
      errors: b.errors,
    };
  });
  return {
    format: table.format,
    sheet: table.sheet,
    headerRow: header.row,
    columns: header.columns,
    ignoredHeaders: header.ignored,
    rows,
    counts: countRows(rows),
  };
}

export function countRows(rows: readonly Pick<PreviewRow, 'status'>[]): ImportCounts {
  const counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}

const valid = (b: BuiltRow): boolean => b.errors.length === 0 && b.point !== null;

function issue(b: BuiltRow, column: ImportColumn | null, code: string, w: Words): void {
  b.errors.push({ row: b.row, column, code, message: w.vi, messageEn: w.en } satisfies RowIssue);
}

/** Rows named in a "same as row …" message; more would make k duplicates cost k² to describe. */
const LISTED_ROWS = 10;

/** "3, 7, 9" or "3, 7, 9… (và 41 dòng khác)": the rows of `rows` other than `self`, the first few. */
function otherRows(rows: readonly BuiltRow[], self: BuiltRow): Words {
  const shown: number[] = [];
  for (const o of rows) {
    if (o === self) continue;
    if (shown.length === LISTED_ROWS) break;
    shown.push(o.row);
  }
  const more = rows.length - 1 - shown.length;
  const list = shown.join(', ');
  return more > 0 ? words(`${list}… (và ${more} dòng khác)`, `${list}… (and ${more} more rows)`) : words(list, list);
}

/** Every row of a code used twice is in error: which one was meant is for a person to say. */
function markDuplicateCodes(built: BuiltRow[]): void {
  const byCode = new Map<string, BuiltRow[]>();
  for (const b of built) {
    if (b.code === null) continue;
    const list = byCode.get(b.code) ?? [];
    list.push(b);
    byCode.set(b.code, list);
  }
  for (const [code, list] of byCode) {
    if (list.length < 2) continue;
    spend(list.length * LISTED_ROWS);
    for (const b of list) {
      const how = b.derivedCode ? ' (mã tự sinh từ đơn vị và tên: hai dòng cùng đơn vị, cùng tên)' : '';
      const howEn = b.derivedCode ? ' (code made from the unit and the name: two rows of one unit with one name)' : '';
      const others = otherRows(list, b);
      issue(
        b,
        b.derivedCode ? 'name' : 'code',
        'code.duplicate',
        words(`Mã ${code} trùng với dòng ${others.vi}${how}.`, `Code ${code} is also on row ${others.en}${howEn}.`),
      );
    }
  }
}

/** A target of a row with the column that holds it (null: kept from the point, the file has no column for it). */
interface Held {
  b: BuiltRow;
  target: Target;
  column: ImportColumn | null;
}

function columnHolding(t: Target, present: ReadonlySet<ImportColumn>): ImportColumn | null {
  const column: ImportColumn = t.role === 'primary' ? 'host' : t.role === 'backup' ? 'backupHost' : 'endpoint';
  return isCodecKind(t.kind) || !present.has(column) ? null : column;
}

/** ICMP lines keep the words of the host-only days; other targets are named by their label. */
function conflictWords(t: Target): { code: 'host' | 'target'; vi: string; en: string } {
  if (t.kind === 'icmp') return { code: 'host', vi: `Địa chỉ ${t.host}`, en: `Address ${t.host}` };
  const label = targetLabel(t);
  return { code: 'target', vi: label, en: label };
}

/**
 * Targets by identity (shared/targets.ts): one twice in the file marks every row holding it; one of a
 * point the import does not replace marks the row. The same address as an ICMP line and a SIP endpoint
 * is two targets, not a conflict. Rows found invalid here keep their existing point (and its targets)
 * in place, which may take a target another row wanted: repeat until nothing changes.
 */
function markTargetConflicts(built: BuiltRow[], points: readonly Point[], present: ReadonlySet<ImportColumn>): void {
  const inFile = new Map<string, Held[]>();
  for (const b of built) {
    for (const t of b.point?.targets ?? [])
      push(inFile, targetId(t), { b, target: t, column: columnHolding(t, present) });
  }
  for (const list of inFile.values()) {
    if (list.length < 2) continue;
    // Each row's own entries, grouped once: filtering the list per row was k² for k rows.
    const byRow = new Map<BuiltRow, Held[]>();
    for (const e of list) push(byRow, e.b, e);
    const rows = [...byRow.keys()];
    spend(list.length + rows.length * LISTED_ROWS);
    for (const [b, mine] of byRow) {
      const others = rows.length > 1 ? otherRows(rows, b) : null;
      const first = mine.find((e) => e.column === 'host') ?? mine[0];
      if (!first) continue;
      const c = conflictWords(first.target);
      const w = others
        ? words(`${c.vi} trùng với dòng ${others.vi}.`, `${c.en} is also on row ${others.en}.`)
        : words(`${c.vi} ghi hai lần trong cùng dòng.`, `${c.en} is listed twice on the row.`);
      issue(b, first.column, `${c.code}.duplicate`, w);
    }
  }
  markTargetsTaken(built, points, present);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * A target of an existing point the file does not replace marks the row that wants it. A row so
 * marked keeps its existing point, whose targets may be wanted by other rows: rounds until nothing
 * changes, each checking only the rows that want a target kept in the round before (a full pass per
 * round was quadratic in a long cascade), against the owners as they stand at the round's start.
 */
function markTargetsTaken(built: BuiltRow[], points: readonly Point[], present: ReadonlySet<ImportColumn>): void {
  const validByCode = new Map<string, number>();
  const wanted = new Map<string, BuiltRow[]>();
  for (const b of built) {
    if (!valid(b)) continue;
    if (b.code !== null) validByCode.set(b.code, (validByCode.get(b.code) ?? 0) + 1);
    for (const t of b.point?.targets ?? []) push(wanted, targetId(t), b);
  }
  const existing = new Map(points.map((p) => [p.code, p]));
  const owners = new Map<string, Point>();
  for (const p of points) {
    if (validByCode.has(p.code)) continue;
    for (const t of p.targets) owners.set(targetId(t), p);
  }
  let toCheck = built.filter(valid);
  while (toCheck.length > 0) {
    spend(toCheck.length);
    const marked: BuiltRow[] = [];
    for (const b of toCheck) {
      if (!valid(b)) continue;
      let taken = false;
      for (const t of b.point?.targets ?? []) {
        const owner = owners.get(targetId(t));
        if (owner && owner.code !== b.code) {
          const c = conflictWords(t);
          const w = words(
            `${c.vi} đã thuộc điểm cầu ${owner.code} (${owner.name}).`,
            `${c.en} already belongs to point ${owner.code} (${owner.name}).`,
          );
          issue(b, columnHolding(t, present), `${c.code}.taken`, w);
          taken = true;
        }
      }
      if (taken) marked.push(b);
    }
    const next = new Set<BuiltRow>();
    for (const b of marked) {
      if (b.code === null) continue;
      const left = (validByCode.get(b.code) ?? 1) - 1;
      validByCode.set(b.code, left);
      const kept = existing.get(b.code);
      if (left > 0 || !kept) continue;
      validByCode.delete(b.code);
      for (const t of kept.targets) {
        const key = targetId(t);
        owners.set(key, kept);
        for (const w of wanted.get(key) ?? []) if (valid(w)) next.add(w);
      }
    }
    toCheck = [...next];
  }
}

/** The inventory's own rules on the result, so an apply of the valid rows cannot be refused. */
function markInventoryIssues(built: BuiltRow[], inv: InventoryView): void {
  for (let round = 0; round < 5; round++) {
    const points = new Map(inv.points.map((p) => [p.code, p]));
    // The valid row of each code, for the issues below (a find per issue was rows × issues).
    const rowOf = new Map<string, BuiltRow>();
    for (const b of built) {
      if (!valid(b) || !b.point) continue;
      points.set(b.point.code, b.point);
      if (b.code !== null && !rowOf.has(b.code)) rowOf.set(b.code, b);
    }
    const order = [...points.keys()];
    const issues = inventoryIssues({ units: inv.units, points: [...points.values()], meetings: [] });
    spend(built.length + issues.length);
    let marked = false;
    for (const i of issues) {
      const at = i.at ?? [];
      const code = at[0] === 'points' && typeof at[1] === 'number' ? order[at[1]] : undefined;
      const b = code === undefined ? undefined : rowOf.get(code);
      // Marked by an earlier issue of this round: as find(valid) did, the row is no longer its code's.
      if (!b || !valid(b)) continue;
      issue(b, null, 'inventory', words(`Điểm cầu ${code}: ${i.message}`, `Point ${code}: ${i.en}`));
      marked = true;
    }
    if (!marked) return;
  }
}
