// Fuzzing the REST API through the real server: random bodies for every write route, random query
// strings and path keys for the reads, random login bodies. Every answer is JSON with a status below
// 500 (4xx with { error: { code, message } } when refused); no unhandled rejection; the server goes on.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, meetingNow, startTestApp, tinyProvince, type TestApp } from '../../helpers/app';

const { units, points } = tinyProvince(62, 2);
let t: TestApp;
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
  await t?.dispose();
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

/** What is wrong with an answer (nothing: []): a 5xx, or a refusal without { error: { code, message } }. */
function answerProblems(r: { status: number; json: unknown }): string[] {
  if (r.status >= 500) return [`status ${r.status}: ${JSON.stringify(r.json)}`];
  if (r.status < 400) return [];
  const e = (r.json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string'
    ? []
    : [`no error body: ${JSON.stringify(r.json)}`];
}

const key = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('C1', 'D1', 'M', 'admin', '..', '%00', 'a b'));
/** Bodies near and far from valid. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.record({ id: key, name: fc.string(), level: fc.string(), parent: fc.jsonValue() }, { requiredKeys: [] }),
  fc.record(
    {
      code: key,
      name: fc.string(),
      level: fc.constantFrom('province', 'district', 'commune', 'hamlet'),
      unit: key,
      targets: fc.array(
        fc.record({
          kind: fc.constantFrom('icmp', 'tcp'),
          host: fc.oneof(fc.string(), fc.constantFrom('127.62.9.9', '-f', 'a\nb')),
          role: fc.constantFrom('primary', 'backup', 'x'),
        }),
        { maxLength: 10 },
      ),
      contacts: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      id: key,
      title: fc.string(),
      host: fc.oneof(key, fc.constant(null)),
      lineTest: fc.oneof(fc.jsonValue(), fc.constant(meetingNow('N', 'lineTest').lineTest)),
      session: fc.oneof(fc.jsonValue(), fc.constant(meetingNow('N', 'lineTest').session)),
      participants: fc.oneof(
        fc.jsonValue(),
        fc.record({ levels: fc.array(fc.string()), units: fc.array(key), points: fc.array(key) }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      name: key,
      password: fc.string({ maxLength: 300 }),
      role: fc.constantFrom('admin', 'technician', 'viewer', 'root'),
      units: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

describe('REST (fuzz, real server)', () => {
  it('write routes answer any body cleanly', { timeout: 180_000 }, async () => {
    const routes = ['units', 'points', 'meetings', 'users'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('POST', 'PUT', 'DELETE'),
        key,
        body,
        async (route, method, k, b) => {
          // Never delete the admin the test logs in with, nor the fixtures the other runs rely on.
          if (method === 'DELETE' && (route === 'users' || ['C1', 'D1', 'P', 'M'].includes(k))) return;
          const path = method === 'POST' ? `/api/${route}` : `/api/${route}/${encodeURIComponent(k)}`;
          expect(answerProblems(await api(t, method, path, method === 'DELETE' ? undefined : b))).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('read routes answer any query and key cleanly', { timeout: 120_000 }, async () => {
    const q = fc.dictionary(
      fc.constantFrom('from', 'to', 'limit', 'meeting', 'point', 'x', 'from[]'),
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.integer().map(String),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/outages',
          '/api/gaps',
          '/api/points/C1/samples',
          '/api/meetings/{k}/status',
          '/api/meetings/{k}/gaps',
          '/api/points/{k}',
          '/api/users/{k}',
        ),
        key,
        q,
        async (p, k, query) => {
          const path = p.replace('{k}', encodeURIComponent(k)) + '?' + new URLSearchParams(query).toString();
          expect(answerProblems(await api(t, 'GET', path))).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('login answers any body cleanly (401/400/413/429, never a session)', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(body, fc.record({ username: fc.string({ maxLength: 80 }), password: fc.string({ maxLength: 80 }) })),
        async (b) => {
          const r = await api(t, 'POST', '/api/auth/login', b, null);
          expect(answerProblems(r)).toEqual([]);
          expect(r.status).not.toBe(200);
          expect(r.headers.get('set-cookie')).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the server came through unhurt', async () => {
    expect(problems).toEqual([]);
    expect((await api(t, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await api(t, 'GET', '/api/health', undefined, null)).json).toMatchObject({ ok: true, storage: 'ok' });
  });
});
