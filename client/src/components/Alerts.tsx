import { useEffect, useRef } from 'react';
import type { ProblemPoint } from '../../../shared/overview';
import { alertNewOutages, alertWorseProblems, beeper } from '../live/alerter';
import { requestNotificationPermission } from '../live/notify';
import type { MeetingData } from '../live/meetingData';
import { useSelectionStore } from '../hooks/useSelection';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

/** Beeps and notifies on new outages unless muted; renders nothing. */
export function Alerts({
  muted,
  data,
  onProblem,
}: {
  muted: boolean;
  data: MeetingData | null;
  /** [NV4] Opens an overview's problem point (its region's grid with its detail). */
  onProblem: (p: ProblemPoint) => void;
}) {
  const session = useSession();
  const selection = useSelectionStore();
  const { t } = useI18n();
  const latest = useRef({ muted, data, t, onProblem });
  useEffect(() => {
    latest.current = { muted, data, t, onProblem };
  });

  // [NV4] A large meeting's overview has no outages: its points going down or severe beep instead.
  useEffect(
    () =>
      session.overview.worse.on((problems) => {
        const { muted: isMuted, t: messages, onProblem: open } = latest.current;
        if (!isMuted) alertWorseProblems(problems, messages, open);
      }),
    [session],
  );

  useEffect(
    () =>
      session.newOutages.on((outages) => {
        const { muted: isMuted, data: d, t: messages } = latest.current;
        if (isMuted) return;
        alertNewOutages(
          outages,
          (code) => d?.pointsByCode.get(code)?.name ?? code,
          messages,
          (code) => selection.set(code),
        );
      }),
    [session, selection],
  );

  // Audio may only start after a user gesture: take the first one.
  useEffect(() => {
    const onGesture = (): void => {
      beeper.unlock();
      if (!latest.current.muted) requestNotificationPermission();
      window.removeEventListener('pointerdown', onGesture);
      window.removeEventListener('keydown', onGesture);
    };
    window.addEventListener('pointerdown', onGesture);
    window.addEventListener('keydown', onGesture);
    return () => {
      window.removeEventListener('pointerdown', onGesture);
      window.removeEventListener('keydown', onGesture);
    };
  }, []);

  return null;
}
