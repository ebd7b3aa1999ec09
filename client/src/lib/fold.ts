// Diacritics-insensitive search over points: the folding rule itself is shared with the server.
import { fold } from '../../../shared/fold';

export { fold };

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
