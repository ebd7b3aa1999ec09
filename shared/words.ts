// A user-facing sentence in both languages of the product. The server builds these for every error a
// user can meet (config file, import rows, REST refusals) and answers in the language asked for
// (Accept-Language from the dashboard, DIEMCAU_LANG on the command line); Vietnamese is the default.

export const WORD_LANGS = ['vi', 'en'] as const;
export type WordLang = (typeof WORD_LANGS)[number];

export interface Words {
  vi: string;
  en: string;
}

export function words(vi: string, en: string): Words {
  return { vi, en };
}

export function inLang(w: Words, lang: WordLang): string {
  return lang === 'en' ? w.en : w.vi;
}

/** `en` only when asked for first; anything else (absent, unknown) is Vietnamese. */
export function wordLang(value: string | null | undefined): WordLang {
  return value?.trim().toLowerCase().startsWith('en') ? 'en' : 'vi';
}

const ENGLISH = new Map<string, string>();

/**
 * A schema's own message: the Vietnamese, with its English kept beside it for the server to answer
 * in English (zod's checks carry a message string only).
 */
export function bilingual(vi: string, en: string): string {
  ENGLISH.set(vi, en);
  return vi;
}

/** The English registered for a schema message by `bilingual`, if any. */
export function englishOf(vi: string): string | undefined {
  return ENGLISH.get(vi);
}
