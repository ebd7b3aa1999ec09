// Alert channels for admins (docs/ALERTS.md): the channels without their secrets, the delivery log,
// and "send a test". The channels come from the inventory file's `alerts:`; changing them means
// changing the file. Admin only (the `inventory:write` action: the file is the inventory's).
import { Router } from 'express';
import { z } from 'zod';
import type { AlertRule } from '../../../shared/alerts';
import type { AlertDispatcher } from '../../alerts/dispatcher';
import { channelView } from '../../alerts/channels';
import { presentDelivery } from '../../alerts/present';
import { authOf, requireAction } from '../../auth/middleware';
import { NotFoundError, parseOrThrow } from '../../errors';
import type { AlertStore } from '../../store/alert-types';

const DeliveryQuery = z.strictObject({
  channel: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function alertRoutes(d: {
  dispatcher: AlertDispatcher;
  store: AlertStore;
  rules: readonly AlertRule[];
}): Router {
  const r = Router();
  r.use('/alerts', requireAction('inventory:write'));

  r.get('/alerts/channels', (_req, res) => {
    res.json({ channels: d.dispatcher.channels.map(channelView), rules: d.rules });
  });

  r.get('/alerts/deliveries', async (req, res) => {
    const q = parseOrThrow(DeliveryQuery, req.query);
    if (q.channel !== undefined && !d.dispatcher.channel(q.channel))
      throw new NotFoundError(`no alert channel ${q.channel}`);
    const rows = await d.store.listDeliveries(q);
    res.json({ deliveries: await Promise.all(rows.map((row) => presentDelivery(d.store, row))) });
  });

  r.post('/alerts/channels/:id/test', async (req, res) => {
    const id = String(req.params.id);
    if (!d.dispatcher.channel(id)) throw new NotFoundError(`no alert channel ${id}`);
    const row = await d.dispatcher.sendTest(id, authOf(res).user.name);
    // 200 whatever the outcome: the request worked; the delivery says whether the channel did.
    res.json({ delivery: await presentDelivery(d.store, row) });
  });

  return r;
}
