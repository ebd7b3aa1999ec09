// The text of the browser notification for new outages. A regional link cut can open hundreds at once:
// one notification summarises them instead of flooding the screen.
import { formatTime } from '../../../shared/time';
import type { ProblemPoint } from '../../../shared/overview';
import type { Outage } from '../../../shared/schemas';
import type { Messages } from '../i18n';
import { outageLabel } from './outages';

export interface AlertText {
  title: string;
  body: string;
}

const LISTED = 5;

export function alertText(outages: readonly Outage[], nameOf: (code: string) => string, t: Messages): AlertText | null {
  const first = outages[0];
  if (!first) return null;
  const points = [...new Set(outages.map((o) => o.point))];
  if (points.length === 1) {
    return {
      title: `${outageLabel(t, first)}: ${nameOf(first.point)}`,
      body: t.alerts.since(formatTime(Date.parse(first.startedAt))),
    };
  }
  const names = points.slice(0, LISTED).map(nameOf);
  const rest = points.length - names.length;
  return {
    title: t.alerts.many(points.length),
    body: rest > 0 ? `${names.join(', ')} ${t.alerts.more(rest)}` : names.join(', '),
  };
}

/** [NV4] The same for the overview's problem points that went down or severe (a large meeting's dashboard). */
export function problemAlertText(problems: readonly ProblemPoint[], t: Messages): AlertText | null {
  const first = problems[0];
  if (!first) return null;
  if (problems.length === 1) {
    return {
      title: `${t.state[first.state]}: ${first.name}`,
      body: first.since === null ? '' : t.alerts.since(formatTime(Date.parse(first.since))),
    };
  }
  const names = problems.slice(0, LISTED).map((p) => p.name);
  const rest = problems.length - names.length;
  return {
    title: t.alerts.many(problems.length),
    body: rest > 0 ? `${names.join(', ')} ${t.alerts.more(rest)}` : names.join(', '),
  };
}
