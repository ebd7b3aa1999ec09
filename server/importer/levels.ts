// Level words as lists write them: the level itself ("Tỉnh", "cấp huyện", "commune") or the kind of
// unit ("Phường", "Thị trấn", "Thị xã", "Đặc khu"). "Thành phố" is a province (Hà Nội) or a district
// (Hà Tĩnh city), so it is decided by the row's unit.
import type { Level } from '../../shared/schemas';
import { foldWords } from './fold';

const WORDS: Record<string, Level | 'city'> = {};
const add = (level: Level | 'city', words: readonly string[]): void => {
  for (const w of words) WORDS[foldWords(w)] = level;
};
add('province', ['tỉnh', 'cấp tỉnh', 'province', 'thành phố trực thuộc trung ương', 'tp trực thuộc trung ương']);
add('district', [
  'huyện',
  'cấp huyện',
  'quận',
  'thị xã',
  'thành phố thuộc tỉnh',
  'tp thuộc tỉnh',
  'huyện/thành/thị',
  'district',
]);
add('commune', [
  'xã',
  'cấp xã',
  'phường',
  'thị trấn',
  'đặc khu',
  'xã/phường',
  'xã/phường/thị trấn',
  'cơ sở',
  'commune',
  'ward',
  'town',
]);
add('city', ['thành phố', 'tp', 'city']);

export type LevelWord = { level: Level } | { error: 'unknown' | 'ambiguous' };

/** Reads a level cell; `unitLevel` decides "Thành phố" when it is a province or a district. */
export function readLevel(cell: string, unitLevel: Level | undefined): LevelWord {
  const word = WORDS[foldWords(cell)];
  if (word === undefined) return { error: 'unknown' };
  if (word !== 'city') return { level: word };
  return unitLevel === 'province' || unitLevel === 'district' ? { level: unitLevel } : { error: 'ambiguous' };
}

/** The word the export writes, read back by readLevel. */
export const LEVEL_WORDS: Record<Level, string> = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã' };
