// Outbox rows → what the admin API shows (instants as ISO 8601 with +07:00). Nothing secret is in a
// row: errors were scrubbed before they were stored.
import type { DeliveryView } from '../../shared/alerts';
import { toWireInstant, toWireInstantOrNull } from '../../shared/time';
import type { AlertStore, DeliveryRow } from '../store/alert-types';

export function presentDelivery(store: AlertStore, d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    channel: d.channel,
    incident: d.incident,
    incidentKind: d.incidentKind,
    recipient: d.recipient && { ...d.recipient },
    level: d.level,
    text: store.getIncident(d.incident)?.text ?? '',
    createdAt: toWireInstant(d.createdAt),
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAt: d.status === 'pending' ? toWireInstantOrNull(d.nextAt) : null,
    lastError: d.lastError,
    sentAt: toWireInstantOrNull(d.sentAt),
    history: store.listAttempts(d.id).map((a) => ({
      n: a.n,
      at: toWireInstant(a.at),
      ms: a.ms,
      ok: a.ok,
      error: a.error,
    })),
  };
}
