import { meetingTimes } from '../../../shared/phase';
import type { MeetingView } from '../../../shared/protocol';
import { countdownFor, countdownText } from '../lib/countdown';
import { useObservable } from '../hooks/useObservable';
import { useSession } from '../hooks/useSession';
import { useTick } from '../hooks/useTick';
import { useI18n } from '../i18n/context';

/** The meeting's phase (from the server) and a countdown on the server-corrected clock. */
export function PhaseCountdown({ meeting }: { meeting: MeetingView }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const phase = useObservable(session.phase) ?? meeting.phase;
  useTick();
  const cd = countdownFor(phase, meetingTimes(meeting), session.now());
  return (
    <div className="phase-box">
      <span className={`phase p-${phase}`} data-testid="phase" data-phase={phase}>
        {t.phase[phase]}
      </span>
      {cd && (
        <span className="countdown" data-testid="countdown" data-kind={cd.kind}>
          {cd.kind === 'end' && cd.overdue ? (
            t.countdown.overtime
          ) : (
            <>
              <span className="countdown-label">{t.countdown[cd.kind]}</span>{' '}
              <span className="countdown-value">{countdownText(cd.remainingMs, lang)}</span>
            </>
          )}
        </span>
      )}
    </div>
  );
}
