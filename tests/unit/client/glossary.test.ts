// [WE4] The dashboard's words: the glossary's Vietnamese terms are the ones the dictionaries use, the
// avoided words (a textbook term, English inside Vietnamese, positions instead of codes) appear in
// none of them, and Vietnamese and English have the same keys.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../client/src/i18n';

/** Every text of a dictionary, with its key path; functions called with sample arguments. */
function texts(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return texts(fn(...Array.from({ length: fn.length }, (_, i) => (i % 2 === 0 ? 3 : 'X'))), path);
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => texts(v, path ? `${path}.${k}` : k));
}

function keyPaths(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [`${path}:${typeof value}`];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, path ? `${path}.${k}` : k));
}

/** Avoided in Vietnamese text: the textbook term for jitter, English words, positions such as points[2]. */
const BANNED: RegExp[] = [
  /rung pha/i,
  /\berror\b/i,
  /\binvalid\b/i,
  /\bexpected\b/i,
  /\breceived\b/i,
  /\bundefined\b/,
  /\bnull\b/,
  /\bNaN\b/,
  /\bfailed\b/i,
  /\bloading\b/i,
  /\brequired\b/i,
  /\bmust\b/i,
  /\bunknown\b/i,
  /\bpoints?\[/i,
  /\bunits?\[/i,
  /\[object Object\]/,
];

const caught = (text: string): boolean => BANNED.some((re) => re.test(text));

// The language switch names the other language in that language, on purpose.
const viTexts = texts(MESSAGES.vi).filter((t) => !t.path.startsWith('lang.'));

describe('[WE4] glossary and dictionaries', () => {
  it('[WE4] Vietnamese and English have the same keys, down to the leaves', () => {
    expect(keyPaths(MESSAGES.en).sort()).toEqual(keyPaths(MESSAGES.vi).sort());
  });

  it('[WE4] no Vietnamese text holds an avoided word', () => {
    const found = viTexts.flatMap((t) =>
      BANNED.filter((re) => re.test(t.text)).map((re) => `${t.path}: ${re} in “${t.text}”`),
    );
    expect(found).toEqual([]);
  });

  it('[WE4] the check itself catches what it should', () => {
    expect(caught('Rung pha')).toBe(true);
    expect(caught('points[2].host: Invalid input')).toBe(true);
    expect(caught('Độ dao động trễ (jitter)')).toBe(false);
    expect(caught('Điểm cầu HT-01, dòng 5')).toBe(false);
  });

  it('[WE4] every Vietnamese term of docs/GLOSSARY.md is a word the dashboard uses', () => {
    const doc = readFileSync('docs/GLOSSARY.md', 'utf8');
    const terms = [...doc.matchAll(/^\| ([^|]+?) \| [^|]+ \| [^|]+ \| [^|]+ \|$/gm)]
      .map((m) => m[1]!.trim())
      .filter((t) => t !== 'Vietnamese (UI)' && !/^-+$/.test(t));
    expect(terms.length).toBeGreaterThanOrEqual(20);
    const all = viTexts.map((t) => t.text.toLocaleLowerCase('vi')).join('\n');
    expect(terms.filter((t) => !all.includes(t.toLocaleLowerCase('vi')))).toEqual([]);
  });

  it('[WE4] jitter is “độ dao động trễ” in Vietnamese and “Jitter” in English', () => {
    expect(MESSAGES.vi.detail.jitter).toBe('Độ dao động trễ');
    expect(MESSAGES.en.detail.jitter).toBe('Jitter');
  });
});
