import { en } from './en';
import { vi, type Messages } from './vi';

export type { Messages };
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'vi';

export const MESSAGES: Record<Lang, Messages> = { vi, en };

/** A stored or requested language, falling back to Vietnamese for anything unknown. */
export function parseLang(value: string | null | undefined): Lang {
  return (LANGS as readonly string[]).includes(value ?? '') ? (value as Lang) : DEFAULT_LANG;
}

export function otherLang(lang: Lang): Lang {
  return lang === 'vi' ? 'en' : 'vi';
}
