// Diacritics- and case-insensitive keys, one rule for both ends: "ha tinh" finds "Hà Tĩnh", and
// "Xã/Phường", "xa / phuong" and "XÃ/PHƯỜNG" are the same header. Vietnamese letters decompose under
// NFD except đ/Đ, which is a letter of its own and is mapped by hand.

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lowercase, no diacritics, single spaces, trimmed. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** `fold` with punctuation dropped as well: "Địa chỉ (IP)" → "dia chi ip", "Xã/Phường" → "xa phuong". */
export function foldWords(text: string): string {
  return fold(text.replace(/[^\p{L}\p{N}]+/gu, ' '));
}
