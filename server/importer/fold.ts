// Import keys fold like every other search (shared/fold.ts); codes derived from names are slugs of them.
import { foldWords } from '../../shared/fold';

export { fold, foldWords } from '../../shared/fold';

/** Letters and digits only, upper case, words joined by "-": "Điểm cầu Xã Đồng Lộc" → "DIEM-CAU-XA-DONG-LOC". */
export function slug(text: string): string {
  return foldWords(text).toUpperCase().replace(/ /g, '-');
}
