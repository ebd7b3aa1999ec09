// Fuzzing every socket event through real sockets against the real app: random payloads (and random
// event names) never crash the server, never leave an unhandled rejection, and every event with an
// ack callback gets exactly one clean ack: { ok: true, data } or { ok: false, error: { code, message } }.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../../shared/protocol';
import {
  api,
  connectSocket,
  connected,
  meetingNow,
  startTestApp,
  tinyProvince,
  userCookie,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const { units, points } = tinyProvince(61, 2);
let t: TestApp;
const sockets: TestSocket[] = [];
const problems: unknown[] = [];
const onProblem = (e: unknown) => problems.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('M', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 2_000 },
  });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

const CODES = new Set(['bad_request', 'not_found', 'unauthorized', 'forbidden', 'conflict', 'internal']);
const EVENTS = ['meeting:join', 'meeting:leave', 'point:test'] as const;

/** Payloads near and far from valid: random values, objects with the right keys and random values. */
const payload = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({
    meetingId: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue(), fc.constantFrom('M', 'NOPE', '', '../M')),
  }),
  fc.record({
    code: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue(), fc.constantFrom('C1', 'ZZ', '-f', '$(reboot)')),
  }),
  fc.record({ meetingId: fc.constant('M'), extra: fc.jsonValue() }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(undefined, null, 0, '', [], {}),
);

/** What is wrong with an ack (nothing: []); an "internal" error counts as wrong. */
function ackProblems(r: unknown): string[] {
  if (typeof r !== 'object' || r === null) return ['not an object'];
  const a = r as Ack<unknown>;
  if (a.ok === true) return 'data' in a ? [] : ['ok without data'];
  if (a.ok !== false || typeof a.error !== 'object') return ['neither ok nor an error'];
  const out: string[] = [];
  if (!CODES.has(a.error.code) || a.error.code === 'internal') out.push(`code ${String(a.error.code)}`);
  if (typeof a.error.message !== 'string') out.push('no message');
  return out;
}

async function socketOf(cookie: string): Promise<TestSocket> {
  const s = connectSocket(t.url, cookie);
  sockets.push(s);
  await connected(s);
  return s;
}

describe('socket payloads (fuzz, real sockets)', () => {
  it('every known event answers any payload with one clean ack, for every role', { timeout: 120_000 }, async () => {
    const byRole = [
      await socketOf(t.cookie),
      await socketOf(await userCookie(t, 'kt', 'technician', ['D1'])),
      await socketOf(await userCookie(t, 'xem', 'viewer')),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EVENTS), payload, fc.nat(2), async (event, p, who) => {
        const s = byRole[who]!;
        const r = await (s.timeout(10_000).emitWithAck as unknown as (e: string, p: unknown) => Promise<unknown>)(
          event,
          p,
        );
        expect(ackProblems(r)).toEqual([]);
        expect(s.connected).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it(
    'unknown events, extra arguments and missing acks leave the socket and the server working',
    { timeout: 60_000 },
    async () => {
      const s = await socketOf(t.cookie);
      const raw = (s.emit as unknown as (...a: unknown[]) => void).bind(s);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...EVENTS)),
          fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
          async (event, args) => {
            // Socket.IO reserves a few names on the client side; those throw before sending anything.
            if (
              ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(
                event,
              )
            )
              return;
            raw(event, ...args);
            const r = await s.timeout(10_000).emitWithAck('meeting:join', { meetingId: 'M' });
            expect(ackProblems(r)).toEqual([]);
            expect(r.ok).toBe(true);
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('the server came through unhurt', async () => {
    expect(problems).toEqual([]);
    expect((await api(t, 'GET', '/api/health', undefined, null)).json).toMatchObject({ ok: true, storage: 'ok' });
    const s = await socketOf(t.cookie);
    const r = await s.timeout(5_000).emitWithAck('point:test', { code: 'C1' });
    expect(r.ok).toBe(true);
  });
});
