// Sound and notification for new outages, shared by the whole page.
import type { Outage } from '../../../shared/schemas';
import type { Messages } from '../i18n';
import type { ProblemPoint } from '../../../shared/overview';
import { alertText, problemAlertText } from '../lib/alerts';
import { showNotification } from './notify';
import { Beeper } from './sound';

export const beeper = new Beeper();

/** At most one beep per this interval, however many outages open. */
const BEEP_MIN_INTERVAL_MS = 1_500;
let lastBeep = 0;

export function alertNewOutages(
  outages: readonly Outage[],
  nameOf: (code: string) => string,
  t: Messages,
  onOpen: (code: string) => void,
): void {
  beepOnce();
  const text = alertText(outages, nameOf, t);
  const first = outages[0];
  if (text && first) showNotification(text.title, text.body, () => onOpen(first.point));
}

/** [NV4] The overview's points that went down or severe: the same beep and one notification. */
export function alertWorseProblems(
  problems: readonly ProblemPoint[],
  t: Messages,
  onOpen: (p: ProblemPoint) => void,
): void {
  beepOnce();
  const text = problemAlertText(problems, t);
  const first = problems[0];
  if (text && first) showNotification(text.title, text.body, () => onOpen(first));
}

function beepOnce(): void {
  const now = Date.now();
  if (now - lastBeep >= BEEP_MIN_INTERVAL_MS) {
    lastBeep = now;
    beeper.beep();
  }
}
