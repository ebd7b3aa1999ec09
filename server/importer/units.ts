// Unit cells → inventory units. A cell may hold the unit's id ("HT-CL-DONG-LOC") or its name, with or
// without diacritics and with or without the kind word ("Xã Đồng Lộc", "dong loc"). Commune names
// repeat across districts, so a name matching several units is an error unless the row's parent
// unit (or level) tells them apart; it is never guessed.
import type { Level, Unit } from '../../shared/schemas';
import { words, type Words } from '../../shared/words';
import { foldWords } from './fold';

const KIND_PREFIX =
  /^(?:tinh|thanh pho|tp|huyen|quan|thi xa|tx|thi tran|tt|xa|phuong|dac khu|[phqx]|province|district|commune|ward) (?=\S)/;

/** A unit name without its kind word: "Xã Đồng Lộc" → "dong loc". */
export function bareName(name: string): string {
  return foldWords(name).replace(KIND_PREFIX, '');
}

export type UnitLookup =
  { unit: Unit } | { error: 'not-found'; message: Words } | { error: 'ambiguous'; message: Words; candidates: Unit[] };

export class UnitResolver {
  private readonly byId = new Map<string, Unit>();
  private readonly byIdFolded = new Map<string, Unit[]>();
  private readonly byName = new Map<string, Unit[]>();
  private readonly byBare = new Map<string, Unit[]>();

  constructor(units: readonly Unit[]) {
    for (const u of units) {
      this.byId.set(u.id, u);
      push(this.byIdFolded, u.id.toLowerCase(), u);
      push(this.byName, foldWords(u.name), u);
      push(this.byBare, bareName(u.name), u);
    }
  }

  get(id: string): Unit | undefined {
    return this.byId.get(id);
  }

  /** By id only (a "Mã đơn vị" column). */
  resolveId(cell: string): UnitLookup {
    const u = this.byId.get(cell) ?? single(this.byIdFolded.get(cell.toLowerCase()));
    return u
      ? { unit: u }
      : { error: 'not-found', message: words(`không có đơn vị mã “${cell}”`, `no unit with id "${cell}"`) };
  }

  /** By id or name; `parent` (a cell naming an ancestor) and `level` narrow a name shared by several units. */
  resolve(cell: string, opts: { parent?: string; level?: Level } = {}): UnitLookup {
    const byId = this.byId.get(cell);
    if (byId) return { unit: byId };
    let found = this.byName.get(foldWords(cell)) ?? [];
    if (found.length === 0) found = this.byBare.get(bareName(cell)) ?? [];
    if (found.length === 0) found = this.byIdFolded.get(cell.toLowerCase()) ?? [];
    if (found.length === 0) {
      return {
        error: 'not-found',
        message: words(
          `không tìm thấy đơn vị “${cell}” trong danh mục đơn vị`,
          `no unit "${cell}" in the list of units`,
        ),
      };
    }
    if (found.length > 1 && opts.parent) {
      const parent = opts.parent;
      found = found.filter((u) => this.ancestors(u).some((a) => this.names(a, parent)));
    }
    if (found.length > 1 && opts.level) {
      const level = opts.level;
      const same = found.filter((u) => u.level === level);
      if (same.length > 0) found = same;
    }
    if (found.length === 1 && found[0]) return { unit: found[0] };
    if (found.length === 0) {
      return {
        error: 'not-found',
        message: words(
          `không có đơn vị “${cell}” thuộc “${opts.parent ?? ''}”`,
          `no unit "${cell}" under "${opts.parent ?? ''}"`,
        ),
      };
    }
    const list = found
      .slice(0, 5)
      .map((u) => `${u.name} (${u.id}${this.parentName(u)})`)
      .join('; ');
    return {
      error: 'ambiguous',
      candidates: found,
      message: words(
        `“${cell}” trùng tên ${found.length} đơn vị: ${list}. Hãy ghi mã đơn vị hoặc thêm cột huyện`,
        `"${cell}" is the name of ${found.length} units: ${list}. Give the unit id or add a district column`,
      ),
    };
  }

  private names(u: Unit, cell: string): boolean {
    return u.id === cell || foldWords(u.name) === foldWords(cell) || bareName(u.name) === bareName(cell);
  }

  private ancestors(u: Unit): Unit[] {
    const out: Unit[] = [];
    const seen = new Set<string>();
    for (let p = u.parent ? this.byId.get(u.parent) : undefined; p && !seen.has(p.id);) {
      out.push(p);
      seen.add(p.id);
      p = p.parent ? this.byId.get(p.parent) : undefined;
    }
    return out;
  }

  private parentName(u: Unit): string {
    const p = u.parent ? this.byId.get(u.parent) : undefined;
    return p ? `, ${p.name}` : '';
  }
}

function push(m: Map<string, Unit[]>, k: string, u: Unit): void {
  const list = m.get(k);
  if (list) list.push(u);
  else m.set(k, [u]);
}

function single<T>(list: readonly T[] | undefined): T | undefined {
  return list?.length === 1 ? list[0] : undefined;
}
