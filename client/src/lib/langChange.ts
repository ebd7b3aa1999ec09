// The dashboard's language, for what lives outside React: the live socket tells the server when the
// user switches, so its acks (refusals of "test now", checklist writes…) come in the new language.
import { parseLang, type Lang } from '../i18n';
import { PREF_KEYS, readPref } from './prefs';

const listeners = new Set<(lang: Lang) => void>();

/** The language chosen now (the stored preference; Vietnamese by default). */
export function currentLang(): Lang {
  return parseLang(readPref(PREF_KEYS.lang));
}

/** Called by the language switch. */
export function announceLang(lang: Lang): void {
  for (const l of listeners) l(lang);
}

/** Hears every switch until the returned function is called. */
export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
