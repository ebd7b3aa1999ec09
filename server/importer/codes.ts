// Codes for rows without one. A list from a district rarely has codes, and re-importing it must update
// the same points, so the code is a function of the row alone:
//  1. a point of the same unit with the same name (diacritics- and case-insensitive) keeps its code;
//  2. otherwise the name, without a leading "Điểm cầu", is compared with the unit's name: the unit's
//     own point ("Điểm cầu xã Đồng Lộc" of unit HT-CL-DONG-LOC) gets the unit's id, HT-CL-DONG-LOC;
//  3. any other point gets UNITID-NAME: "Trạm y tế" of HT-CL-DONG-LOC → HT-CL-DONG-LOC-TRAM-Y-TE,
//     cut to 64 characters with a 6-digit hash of the whole when longer.
import { createHash } from 'node:crypto';
import type { Point, Unit } from '../../shared/schemas';
import { foldWords, slug } from './fold';
import { bareName } from './units';

const MAX_CODE = 64;

function pointName(name: string): string {
  const words = name.trim().split(/\s+/);
  return words.length > 2 && foldWords(`${words[0]} ${words[1]}`) === 'diem cau'
    ? words.slice(2).join(' ')
    : name.trim();
}

export function derivedCode(unit: Pick<Unit, 'id' | 'name'>, name: string): string {
  const own = pointName(name);
  if (foldWords(own) === foldWords(unit.name) || bareName(own) === bareName(unit.name)) return unit.id;
  const tail = slug(own);
  const full = tail === '' ? unit.id : `${unit.id}-${tail}`;
  if (full.length <= MAX_CODE && tail !== '') return full;
  const hash = createHash('sha256')
    .update(`${unit.id}\n${foldWords(own)}`)
    .digest('hex')
    .slice(0, 6)
    .toUpperCase();
  return `${full.slice(0, MAX_CODE - 7).replace(/[-._]+$/, '')}-${hash}`;
}

/** Existing points by unit and folded name, for rule 1. */
export class ExistingNames {
  private readonly map = new Map<string, string>();
  constructor(points: readonly Point[]) {
    for (const p of points) {
      const key = `${p.unit}\n${foldWords(p.name)}`;
      // Two existing points with one name in one unit: no rule 1 for them, rather than a guess.
      this.map.set(key, this.map.has(key) ? '' : p.code);
    }
  }

  codeFor(unitId: string, name: string): string | undefined {
    return this.map.get(`${unitId}\n${foldWords(name)}`) || undefined;
  }
}
