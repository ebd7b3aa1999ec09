// Diacritics-insensitive search: "ha tinh" finds "Hà Tĩnh", "dak lak" finds "Đắk Lắk". Vietnamese
// letters decompose under NFD except đ/Đ, which is a letter of its own and is mapped by hand.

const COMBINING_MARKS = /[\u0300-\u036f]/g;

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The folded words of a query; empty when the query is blank. */
export function queryTokens(query: string): string[] {
  const folded = fold(query);
  return folded === '' ? [] : folded.split(' ');
}

/** Every token must occur in the (already folded) key, in any order. */
export function matchesTokens(foldedKey: string, tokens: readonly string[]): boolean {
  return tokens.every((t) => foldedKey.includes(t));
}

/** The searchable key of a point: its code and name. */
export function pointSearchKey(p: { code: string; name: string }): string {
  return fold(`${p.code} ${p.name}`);
}
