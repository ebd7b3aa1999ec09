import { otherLang } from '../i18n';
import { useI18n } from '../i18n/context';

export function LangToggle() {
  const { lang, t, setLang } = useI18n();
  const next = otherLang(lang);
  return (
    <button
      type="button"
      className="toolbar-button"
      data-testid="lang-toggle"
      data-lang={lang}
      lang={next}
      title={t.lang.hint}
      onClick={() => setLang(next)}
    >
      {t.lang.toggle}
    </button>
  );
}
