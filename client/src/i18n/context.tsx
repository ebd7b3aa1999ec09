import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { announceLang } from '../lib/langChange';
import { PREF_KEYS, readPref, writePref } from '../lib/prefs';
import { MESSAGES, parseLang, type Lang, type Messages } from './index';

interface I18n {
  lang: Lang;
  t: Messages;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => parseLang(readPref(PREF_KEYS.lang)));
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    writePref(PREF_KEYS.lang, next);
    announceLang(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = MESSAGES[lang].appTitle;
  }, [lang]);
  const value = useMemo(() => ({ lang, t: MESSAGES[lang], setLang }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside <I18nProvider>');
  return ctx;
}
