// The Store contract, continued: the alert outbox (migration 8). An incident is stored once and routed
// once; a pending delivery is held by one sender at a time; attempts move it to sent, pending (with its
// next attempt) or failed; everything survives a reopen. Called from storeContract, so every backend
// runs these too.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../server/alerts/incident';
import type { Fresh } from './contract';

const incident = (id: string, at: number, over: Partial<Incident> = {}): Incident => ({
  id,
  kind: 'open',
  severity: 'critical',
  type: 'down',
  at,
  start: at - 3_000,
  end: null,
  meeting: { id: 'M1', title: 'Hội nghị thử' },
  phase: 'live',
  outages: [7],
  points: [{ code: 'P1', name: 'Điểm cầu xã Một', unit: { id: 'U1', name: 'Xã Một' }, contacts: [] }],
  text: 'Điểm cầu xã Một: mất kết nối',
  ...over,
});

export function alertsContract(fresh: Fresh): void {
  describe('alert outbox', () => {
    it('[AL1] stores an incident once, lists unrouted ones oldest first, and routes each once', async () => {
      const { store } = await fresh();
      const a = store.alerts;
      expect(await a.addIncident(incident('outage-7-open', 2_000))).toBe(true);
      expect(await a.addIncident(incident('outage-7-open', 2_000, { text: 'again' }))).toBe(false);
      expect(await a.addIncident(incident('outage-6-open', 1_000))).toBe(true);
      expect((await a.getIncident('outage-7-open'))?.text).toBe('Điểm cầu xã Một: mất kết nối');
      expect((await a.unroutedIncidents(10)).map((i) => i.id)).toEqual(['outage-6-open', 'outage-7-open']);

      const targets = [
        { channel: 'ops', maxAttempts: 3 },
        { channel: 'tg', maxAttempts: 5 },
      ];
      expect(await a.routeIncident('outage-7-open', 3_000, targets)).toBe(true);
      expect(await a.routeIncident('outage-7-open', 3_001, targets)).toBe(false);
      expect((await a.unroutedIncidents(10)).map((i) => i.id)).toEqual(['outage-6-open']);
      const rows = await a.listDeliveries({});
      expect(rows.map((d) => [d.channel, d.status, d.attempts, d.maxAttempts, d.nextAt, d.incidentKind])).toEqual([
        ['tg', 'pending', 0, 5, 3_000, 'open'],
        ['ops', 'pending', 0, 3, 3_000, 'open'],
      ]);
      expect(await a.listDeliveries({ channel: 'ops', limit: 1 })).toHaveLength(1);
    });

    it('[AL2] a pending delivery is claimed by one sender until its lease ends; attempts move it on', async () => {
      const { store, reopen } = await fresh();
      const a = store.alerts;
      await a.addIncident(incident('i1', 1_000));
      await a.routeIncident('i1', 1_000, [{ channel: 'ops', maxAttempts: 2 }]);
      expect(await a.claimDue('ops', 999, 5_000, 10)).toEqual([]);
      const [d] = await a.claimDue('ops', 1_000, 5_000, 10);
      expect(d).toMatchObject({ channel: 'ops', incident: 'i1', status: 'pending' });
      expect(await a.claimDue('ops', 2_000, 6_000, 10)).toEqual([]); // held by the first sender
      expect(await a.nextDueAt('ops')).toBe(5_000);
      expect((await a.claimDue('ops', 5_000, 9_000, 10)).map((x) => x.id)).toEqual([d!.id]); // lease ended

      const failed = await a.recordAttempt({
        delivery: d!.id,
        at: 5_100,
        ms: 12.4,
        ok: false,
        error: 'ECONNREFUSED',
        nextAt: 7_000,
      });
      expect(failed).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAt: 7_000,
        lastError: 'ECONNREFUSED',
        sentAt: null,
      });
      expect(await a.nextDueAt('ops')).toBe(7_000);
      expect(await a.claimDue('ops', 6_999, 20_000, 10)).toEqual([]);
      await a.claimDue('ops', 7_000, 20_000, 10);
      const sent = await a.recordAttempt({ delivery: d!.id, at: 7_050, ms: 3, ok: true, error: null, nextAt: null });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, nextAt: null, lastError: null, sentAt: 7_050 });
      expect(await a.nextDueAt('ops')).toBeNull();
      expect(await a.listAttempts(d!.id)).toEqual([
        { delivery: d!.id, n: 1, at: 5_100, ms: 12, ok: false, error: 'ECONNREFUSED' },
        { delivery: d!.id, n: 2, at: 7_050, ms: 3, ok: true, error: null },
      ]);

      await a.addIncident(incident('i2', 8_000));
      await a.routeIncident('i2', 8_000, [{ channel: 'ops', maxAttempts: 1 }]);
      const [e] = await a.claimDue('ops', 8_000, 9_000, 10);
      expect(
        await a.recordAttempt({ delivery: e!.id, at: 8_010, ms: 1, ok: false, error: 'HTTP 400', nextAt: null }),
      ).toMatchObject({
        status: 'failed',
        nextAt: null,
      });
      expect(await a.countDeliveries()).toEqual([
        { channel: 'ops', status: 'failed', n: 1 },
        { channel: 'ops', status: 'sent', n: 1 },
      ]);
      await expect(
        a.recordAttempt({ delivery: 999_999, at: 1, ms: 1, ok: true, error: null, nextAt: null }),
      ).rejects.toThrow('no alert delivery 999999');

      await store.close();
      const again = (await reopen()).alerts;
      expect(await again.getDelivery(d!.id)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await again.listAttempts(e!.id)).toHaveLength(1);
    });

    it('[AL20][AL23][AL24] a delivery per recipient and level; an acknowledgement once, cancelling the levels not yet tried', async () => {
      const { store, reopen } = await fresh();
      const a = store.alerts;
      await a.addIncident(incident('outage-7-open', 1_000));
      const an = { name: 'Nguyễn Văn An', address: 'an@xa.test' };
      const dung = { name: 'Phạm Thị Dung', address: 'dung@huyen.test' };
      await a.routeIncident('outage-7-open', 1_000, [
        { channel: 'mail', maxAttempts: 2, recipient: an },
        { channel: 'mail', maxAttempts: 2, recipient: an }, // the same person twice: once
        { channel: 'mail', maxAttempts: 2, recipient: dung, level: 1, dueAt: 601_000 },
        { channel: 'tg', maxAttempts: 2, level: 2, dueAt: 1_201_000 },
      ]);
      const rows = await a.incidentDeliveries('outage-7-open');
      expect(rows.map((d) => [d.channel, d.recipient?.address ?? null, d.level, d.nextAt])).toEqual([
        ['mail', 'an@xa.test', 0, 1_000],
        ['mail', 'dung@huyen.test', 1, 601_000],
        ['tg', null, 2, 1_201_000],
      ]);
      expect(rows[0]!.recipient).toEqual(an);
      expect((await a.claimDue('mail', 1_000, 2_000, 10)).map((d) => d.recipient?.address)).toEqual(['an@xa.test']);
      expect(await a.nextDueAt('tg')).toBe(1_201_000);
      expect(await a.openIncidentsOf([7])).toEqual(['outage-7-open']);
      expect(await a.openIncidentsOf([8])).toEqual([]);
      expect(await a.openIncidentsOf([8, 7, 7])).toEqual(['outage-7-open']);
      expect(await a.openIncidentsOf([])).toEqual([]);

      const first = await a.acknowledge({
        incident: 'outage-7-open',
        at: 5_000,
        by: 'Nguyễn Văn An',
        via: 'link',
        delivery: rows[0]!.id,
      });
      expect(first).toMatchObject({ first: true, cancelled: 2, ack: { by: 'Nguyễn Văn An', via: 'link', at: 5_000 } });
      const second = await a.acknowledge({
        incident: 'outage-7-open',
        at: 6_000,
        by: 'kythuat1',
        via: 'dashboard',
        delivery: null,
      });
      expect(second).toMatchObject({ first: false, cancelled: 0, ack: { by: 'Nguyễn Văn An' } });
      expect((await a.incidentDeliveries('outage-7-open')).map((d) => d.status)).toEqual([
        'pending',
        'cancelled',
        'cancelled',
      ]);
      expect(await a.nextDueAt('tg')).toBeNull();
      expect(await a.claimDue('tg', 9_999_999, 10_000_000, 10)).toEqual([]);

      // A recovery cancels the untried levels of the open incidents of its outages.
      await a.addIncident(incident('outage-9-open', 2_000, { outages: [9] }));
      await a.routeIncident('outage-9-open', 2_000, [{ channel: 'tg', maxAttempts: 1, level: 1, dueAt: 302_000 }]);
      expect(await a.cancelEscalations([8])).toBe(0);
      expect(await a.cancelEscalations([9])).toBe(1);
      expect((await a.incidentDeliveries('outage-9-open'))[0]!.status).toBe('cancelled');
      // An incident of no outage (an agent not heard, docs/AGENTS.md AG10) is named by its id.
      await a.addIncident(incident('agent-tram-1-5000-open', 5_000, { outages: [] }));
      await a.routeIncident('agent-tram-1-5000-open', 5_000, [
        { channel: 'tg', maxAttempts: 1, level: 1, dueAt: 305_000 },
      ]);
      expect(await a.cancelEscalations([], ['agent-tram-1-5000-open'])).toBe(1);
      expect((await a.incidentDeliveries('agent-tram-1-5000-open'))[0]!.status).toBe('cancelled');

      const key = await a.ackKey();
      expect(key).toHaveLength(32);
      expect((await a.ackKey()).equals(key)).toBe(true);
      await store.close();
      const again = (await reopen()).alerts;
      expect(await again.getAck('outage-7-open')).toMatchObject({ by: 'Nguyễn Văn An', delivery: rows[0]!.id });
      expect((await again.ackKey()).equals(key)).toBe(true);
    });
  });
}
