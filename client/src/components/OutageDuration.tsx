import type { Outage } from '../../../shared/schemas';
import { durationText } from '../lib/countdown';
import { outageDurationMs } from '../lib/outages';
import { useSession } from '../hooks/useSession';
import { useTick } from '../hooks/useTick';
import { useI18n } from '../i18n/context';

function RunningDuration({ outage }: { outage: Outage }) {
  const { lang } = useI18n();
  const session = useSession();
  useTick();
  return <>{durationText(outageDurationMs(outage, session.now()), lang)}</>;
}

/** Running (ticks every second) while the outage is open, fixed once it has ended. */
export function OutageDuration({ outage }: { outage: Outage }) {
  const { lang } = useI18n();
  if (outage.endedAt === null) return <RunningDuration outage={outage} />;
  return <>{durationText(outageDurationMs(outage, 0), lang)}</>;
}
