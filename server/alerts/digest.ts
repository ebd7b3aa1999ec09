// The daily digest (docs/ALERTS.md "The daily digest", AL34–AL35): once a day at `alerts.digest.at`
// (Vietnam time) one message per digest channel lists the incidents the gate held because they
// happened outside every meeting window (server/alerts/gate.ts). The day's digest is composed once and
// stored with its incidents marked reported (one transaction), so a restart, a second server or a
// retry sends the same message and never reports an incident twice. Sent straight through the
// channels (not the outbox), with a few retries of its own, each recorded.
import type { Logger } from 'pino';
import { formatDateTime, formatDurationWords, formatTime, toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import type { AlertStore } from '../store/alert-types';
import type { DigestSendRow, MaintenanceStore } from '../store/maintenance-types';
import type { Channel } from './channels/types';
import type { Incident, IncidentPoint } from './incident';
import type { AlertLanguage, RenderedMessage } from './render';
import { scrub } from './secrets';

export interface DigestConfig {
  /** HH:mm, Vietnam time. */
  at: string;
  channels: readonly string[];
}

/** One outage in the digest: its opening and, when it ended, its recovery. */
export interface DigestItem {
  incident: string;
  type: Incident['type'];
  start: number;
  end: number | null;
  points: IncidentPoint[];
}

export interface DigestOptions {
  config: DigestConfig;
  store: MaintenanceStore;
  incidents: Pick<AlertStore, 'getIncident'>;
  channel: (id: string) => { channel: Channel; secret: string | null } | undefined;
  clock: Clock;
  logger: Logger;
  /** How often the clock is looked at (default 30 s). */
  pollMs?: number;
  /** Attempts per channel and the wait between them (default 5, 60 s). */
  maxAttempts?: number;
  retryMs?: number;
  timeoutMs?: number;
}

const instant = (ms: number): string => `${formatTime(ms)} ${formatDateTime(ms).slice(0, 10)}`;

/** The Vietnam day (yyyy-MM-dd) of an instant, and the instant of HH:mm on it. */
export function vnDay(ms: number): string {
  return toWireInstant(ms).slice(0, 10);
}
export function dueAt(day: string, at: string): number {
  return Date.parse(`${day}T${at}:00.000+07:00`);
}

/** The day's digest incident from the held incidents (pure). */
export function composeDigest(day: string, now: number, held: readonly Incident[]): Incident {
  const byOutage = new Map<string, DigestItem>();
  for (const i of [...held].sort((a, b) => a.at - b.at)) {
    const key = i.outages.length > 0 ? [...i.outages].sort((a, b) => a - b).join(',') : i.id;
    const item = byOutage.get(key) ?? { incident: i.id, type: i.type, start: i.start, end: null, points: i.points };
    if (i.kind === 'recovered') item.end = i.end;
    byOutage.set(key, item);
  }
  const items = [...byOutage.values()].sort((a, b) => a.start - b.start);
  const points = new Map<string, IncidentPoint>();
  for (const it of items) for (const p of it.points) points.set(p.code, p);
  return {
    id: `digest-${day}`,
    kind: 'digest',
    severity: 'info',
    type: 'digest',
    at: now,
    start: items[0]?.start ?? now,
    end: now,
    meeting: null,
    phase: null,
    outages: held.flatMap((i) => i.outages).filter((o, n, all) => all.indexOf(o) === n),
    points: [...points.values()],
    text: `Tổng hợp sự cố ngoài giờ họp đến ${instant(now)}: ${items.length} sự cố`,
    digest: { day, items },
  };
}

const WORDS = {
  vi: {
    title: (n: number, at: string) => `[diemcau] TỔNG HỢP SỰ CỐ NGOÀI GIỜ HỌP đến ${at}: ${n} sự cố`,
    intro: 'Các sự cố xảy ra ngoài khung giờ họp (không gửi cảnh báo ngay):',
    down: 'mất kết nối',
    severe: 'chập chờn nặng',
    from: 'từ',
    ongoing: 'chưa kết nối lại',
    lasted: (d: string) => `gián đoạn ${d}`,
  },
  en: {
    title: (n: number, at: string) => `[diemcau] OUT-OF-HOURS DIGEST to ${at}: ${n} incident${n === 1 ? '' : 's'}`,
    intro: 'Incidents outside the meeting windows (no alert was sent at the time):',
    down: 'down',
    severe: 'severely degraded',
    from: 'from',
    ongoing: 'not back yet',
    lasted: (d: string) => `outage ${d}`,
  },
};

/** The digest's message (render.ts hands digests here). */
export function renderDigest(i: Incident, lang: AlertLanguage, link: (code: string) => string | null): RenderedMessage {
  const w = WORDS[lang];
  const items = i.digest?.items ?? [];
  const lines = [w.intro];
  for (const it of items) {
    const names = it.points.map((p) => (p.unit.name ? `${p.name} (${p.unit.name})` : p.name)).join(', ');
    const what = it.type === 'severe' ? w.severe : w.down;
    const span =
      it.end === null
        ? `${w.from} ${instant(it.start)}, ${w.ongoing}`
        : `${instant(it.start)} – ${instant(it.end)}, ${w.lasted(formatDurationWords(it.end - it.start, lang))}`;
    lines.push(`• ${names}: ${what} ${span}`);
    for (const p of it.points) {
      const l = link(p.code);
      if (l) lines.push(`  ${l}`);
    }
  }
  return { title: w.title(items.length, instant(i.at)), lines };
}

export class DailyDigest {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: DigestOptions) {}

  start(): void {
    this.stopped = false;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.pollMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Composes today's digest once its hour has come, and sends what is due; one run at a time. */
  tick(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      const now = this.o.clock.now();
      const day = vnDay(now);
      if (now < dueAt(day, this.o.config.at)) return;
      const s = this.o.store;
      let digest = await s.getDigest(day);
      if (!digest) {
        const held = await s.pendingDigest(now + 1);
        const incidents: Incident[] = [];
        for (const g of held) {
          const i = await this.o.incidents.getIncident(g.incident);
          if (i !== undefined) incidents.push(i);
        }
        const incident = composeDigest(day, now, incidents);
        await s.createDigest(
          { day, incident, createdAt: now },
          held.map((g) => g.incident),
        );
        digest = (await s.getDigest(day))!;
        this.o.logger.info({ day, incidents: held.length }, 'alert digest composed');
      }
      // [AL34] A day without held incidents sends nothing.
      if ((digest.incident.digest?.items.length ?? 0) === 0) return;
      const sends = new Map((await s.digestSends(day)).map((r) => [r.channel, r]));
      for (const id of this.o.config.channels) {
        if (this.stopped) return;
        let row = sends.get(id);
        row ??= await s.saveDigestSend({
          day,
          channel: id,
          delivery: 0,
          attempts: 0,
          sentAt: null,
          lastError: null,
          nextAt: now,
        });
        if (row.sentAt !== null || row.nextAt === null || row.nextAt > now) continue;
        await this.attempt(digest.incident, row);
      }
    } catch (err) {
      this.o.logger.error({ err }, 'alert digest failed (tried again on the next poll)');
    }
  }

  private async attempt(incident: Incident, row: DigestSendRow): Promise<void> {
    const found = this.o.channel(row.channel);
    const n = row.attempts + 1;
    let error: string | null = null;
    if (!found) error = `no channel ${row.channel}`;
    else {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new Error('timed out')), this.o.timeoutMs ?? 10_000);
      try {
        await found.channel.send({
          incident,
          delivery: row.delivery,
          attempt: n,
          // The digest goes to the channel's own target, with nothing to acknowledge.
          recipient: null,
          ackUrl: null,
          now: this.o.clock.now(),
          signal: ac.signal,
        });
      } catch (err) {
        error = scrub(err instanceof Error ? err.message : String(err), found.secret).slice(0, 500);
      } finally {
        clearTimeout(timer);
      }
    }
    const at = this.o.clock.now();
    const last = n >= (this.o.maxAttempts ?? 5);
    await this.o.store.saveDigestSend({
      ...row,
      attempts: n,
      sentAt: error === null ? at : null,
      lastError: error,
      nextAt: error === null || last ? null : at + (this.o.retryMs ?? 60_000),
    });
    const log = { day: row.day, channel: row.channel, attempt: n, delivery: row.delivery };
    if (error === null) this.o.logger.info(log, 'alert digest sent');
    else this.o.logger.warn({ ...log, error, givenUp: last }, 'alert digest not sent');
  }
}
