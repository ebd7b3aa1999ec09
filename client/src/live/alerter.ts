// Sound and notification for new outages, shared by the whole page.
import type { Outage } from '../../../shared/schemas';
import type { Messages } from '../i18n';
import { alertText } from '../lib/alerts';
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
  const now = Date.now();
  if (now - lastBeep >= BEEP_MIN_INTERVAL_MS) {
    lastBeep = now;
    beeper.beep();
  }
  const text = alertText(outages, nameOf, t);
  const first = outages[0];
  if (text && first) showNotification(text.title, text.body, () => onOpen(first.point));
}
