import type { MeetingView } from '../../../shared/protocol';
import { formatDateTime } from '../../../shared/time';
import { useI18n } from '../i18n/context';

export function MeetingPicker({
  meetings,
  value,
  loading,
  onChange,
}: {
  meetings: readonly MeetingView[] | null;
  value: string | null;
  loading: boolean;
  onChange: (id: string) => void;
}) {
  const { t } = useI18n();
  const list = meetings ?? [];
  return (
    <label className="picker">
      <span className="picker-label">{t.picker.label}</span>
      <select
        data-testid="meeting-picker"
        value={value ?? ''}
        disabled={list.length === 0}
        onChange={(e) => onChange(e.target.value)}
      >
        {value === null && (
          <option value="" disabled>
            {loading ? t.picker.loading : t.picker.none}
          </option>
        )}
        {list.map((m) => (
          <option key={m.id} value={m.id}>
            {`${formatDateTime(Date.parse(m.session.start))} — ${m.title}`}
          </option>
        ))}
      </select>
    </label>
  );
}
