// Outbox rows → what the admin API shows (instants as ISO 8601 with +07:00). Nothing secret is in a
// row: errors were scrubbed before they were stored.
import type { DeliveryView } from '../../shared/alerts';
import { toWireInstant, toWireInstantOrNull } from '../../shared/time';
import type { AlertStore, DeliveryRow } from '../store/alert-types';

export async function presentDelivery(store: AlertStore, d: DeliveryRow): Promise<DeliveryView> {
  const [incident, attempts] = await Promise.all([store.getIncident(d.incident), store.listAttempts(d.id)]);
  return {
    id: d.id,
    channel: d.channel,
    incident: d.incident,
    incidentKind: d.incidentKind,
    recipient: d.recipient && { ...d.recipient },
    level: d.level,
    text: incident?.text ?? '',
    createdAt: toWireInstant(d.createdAt),
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAt: d.status === 'pending' ? toWireInstantOrNull(d.nextAt) : null,
    lastError: d.lastError,
    sentAt: toWireInstantOrNull(d.sentAt),
    history: attempts.map((a) => ({
      n: a.n,
      at: toWireInstant(a.at),
      ms: a.ms,
      ok: a.ok,
      error: a.error,
    })),
  };
}
