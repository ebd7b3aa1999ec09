import { useI18n } from '../i18n/context';

export function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="search">
      <input
        type="search"
        data-testid="search"
        aria-label={t.search.label}
        placeholder={t.search.placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onChange('');
        }}
      />
    </div>
  );
}
