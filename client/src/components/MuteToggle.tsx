import { requestNotificationPermission } from '../live/notify';
import { beeper } from '../live/alerter';
import { useI18n } from '../i18n/context';
import { BellIcon } from './Icons';

export function MuteToggle({ muted, onChange }: { muted: boolean; onChange: (muted: boolean) => void }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className={`toolbar-button mute${muted ? ' muted' : ''}`}
      data-testid="mute-toggle"
      data-muted={muted}
      aria-pressed={muted}
      title={t.alerts.hint}
      onClick={() => {
        if (muted) {
          // Switching alerts on is a user gesture: the moment to unlock audio and ask for notifications.
          beeper.unlock();
          requestNotificationPermission();
        }
        onChange(!muted);
      }}
    >
      <BellIcon off={muted} /> {muted ? t.alerts.off : t.alerts.on}
    </button>
  );
}
