// [AG12] "Kiểm tra ngay" through an agent (server/agent/probe-now.ts, docs/AGENTS.md AG12): the agent's
// side with a real probe router (TCP against a real listener on loopback, and a closed port), what it
// refuses in a request, how the centre reads answers it cannot trust, and the rows a dashboard gets.
import net from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_PROBE_MAX_IDS, type AgentProbeRequest } from '../../../server/agent/contract';
import { answerProbeRequest, readProbeAnswers, throughAgents } from '../../../server/agent/probe-now';
import { systemClock } from '../../../server/clock';
import { createEngine } from '../../../server/probe';
import { ProbeRouter } from '../../../server/probe/router';
import { TcpEngine } from '../../../server/probe/tcp';
import type { TestNowResult } from '../../../shared/protocol';
import { Target } from '../../../shared/schemas';
import { targetId, toWireTarget } from '../../../shared/targets';

const HOST = '127.74.9.1';
const server = net.createServer((s) => s.destroy());
const open = await new Promise<number>((resolve) =>
  server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port)),
);
// A port that was listening and is closed again: connecting is refused.
const probeSocket = net.createServer();
const closed = await new Promise<number>((resolve) =>
  probeSocket.listen(0, HOST, () => resolve((probeSocket.address() as net.AddressInfo).port)),
);
await new Promise<void>((r) => probeSocket.close(() => r()));

const router = new ProbeRouter({
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  icmp: (o) => createEngine({ ...o, kind: 'auto' }),
  engines: { tcp: (o) => new TcpEngine(o) },
  onResult: () => undefined,
  onGap: () => undefined,
});
afterAll(async () => {
  await router.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const up = Target.parse({ kind: 'tcp', host: HOST, port: open, role: 'endpoint' });
const down = Target.parse({ kind: 'tcp', host: HOST, port: closed, role: 'endpoint' });
const schedule = new Map([up, down].map((t) => [targetId(t), t]));
const prober = {
  target: (id: string) => schedule.get(id),
  probeOnce: (t: Target, timeoutMs: number) => router.probeOnce(t, timeoutMs),
  now: () => Date.now(),
};

describe('[AG12] the agent answers a probe request', () => {
  it('probes its schedule’s targets once each, and says which are not its own', async () => {
    const foreign = targetId({ kind: 'tcp', host: '127.74.9.2', port: 5060 });
    const a = await answerProbeRequest({ ids: [targetId(up), targetId(down), foreign], timeoutMs: 1_000 }, prober);
    if (!a.ok) throw new Error(a.en);
    expect(a.results.map((r) => r.target)).toEqual([targetId(up), targetId(down), foreign]);
    expect(a.results[0]!.rtt).toEqual(expect.any(Number));
    expect(a.results[1]).toMatchObject({ rtt: null, reason: 'refused' });
    expect(a.results[2]).toMatchObject({ rtt: null, reason: 'error', detail: 'not in this agent’s schedule' });
  });

  it.each<[string, unknown, string]>([
    ['no ids', { timeoutMs: 1_000 }, 'ids'],
    ['an empty list', { ids: [], timeoutMs: 1_000 }, 'ids'],
    [
      'too many ids',
      { ids: Array.from({ length: AGENT_PROBE_MAX_IDS + 1 }, (_, i) => `icmp:127.0.0.${i}`), timeoutMs: 1 },
      'ids',
    ],
    ['a timeout over the bound', { ids: ['icmp:127.0.0.1'], timeoutMs: 60_000 }, 'timeoutMs'],
    ['an id that is not text', { ids: [7], timeoutMs: 1_000 }, 'ids.0'],
    ['a field of its own', { ids: ['icmp:127.0.0.1'], timeoutMs: 1_000, run: 'rm -rf /' }, '(request)'],
    ['not an object', 'probe everything', '(request)'],
  ])('refuses %s, saying where', async (_what, request, where) => {
    const a = await answerProbeRequest(request, prober);
    expect(a).toMatchObject({ ok: false });
    if (a.ok) return;
    expect(a.error).toContain(`Yêu cầu kiểm tra không đúng dạng, trường “${where}”`);
    expect(a.en).toContain(`Malformed probe request, field "${where}"`);
  });
});

describe('[AG12] the centre reads the answers', () => {
  const id = targetId(up);
  it('takes the requested targets of the first well-formed answer; ignores malformed answers and strangers', () => {
    const read = readProbeAnswers(
      [
        'garbage',
        { ok: true, results: [{ target: id, t: 1, rtt: -5 }] }, // a negative RTT: malformed, ignored whole
        {
          ok: true,
          results: [
            { target: 'icmp:10.0.0.1', t: 1, rtt: 2 },
            { target: id, t: 1, rtt: 4, call: {} },
          ],
        },
        { ok: true, results: [{ target: id, t: 2, rtt: 9 }] },
      ],
      [id],
    );
    expect(read).toEqual({ results: new Map([[id, { target: id, t: 1, rtt: 4 }]]), refused: null });
  });

  it('says the agent refused, and that nobody answered', () => {
    expect(readProbeAnswers([{ ok: false, error: 'sai', en: 'wrong' }], [id])).toEqual({
      results: new Map(),
      refused: 'wrong',
    });
    expect(readProbeAnswers([], [id])).toBeNull();
    expect(readProbeAnswers([{ nonsense: true }], [id])).toBeNull();
  });
});

describe('[AG12] the rows a dashboard gets', () => {
  const own = Target.parse({ kind: 'icmp', host: '127.0.0.1' });
  const result = (): TestNowResult => ({
    code: 'C1',
    results: [
      { ...toWireTarget(own), alive: true, rtt: 0.1 },
      { ...toWireTarget(up), alive: false, rtt: null, agent: 'tram-a' },
      { ...toWireTarget(down), alive: false, rtt: null, agent: 'tram-a' },
    ],
  });

  it('an agent’s targets from its answer, the centre’s own as they were, asked once per agent', async () => {
    const asked: [string, AgentProbeRequest][] = [];
    const out = await throughAgents(result(), async (agent, request) => {
      asked.push([agent, request]);
      const a = await answerProbeRequest(request, prober);
      return [a];
    });
    expect(asked).toEqual([['tram-a', { ids: [targetId(up), targetId(down)], timeoutMs: 1_000 }]]);
    expect(out.results[0]).toEqual(result().results[0]);
    expect(out.results[1]).toMatchObject({ agent: 'tram-a', alive: true, rtt: expect.any(Number) });
    expect(out.results[2]).toMatchObject({ agent: 'tram-a', alive: false, rtt: null, reason: 'refused' });
  });

  it('no answer: unknown for want of contact, never "no reply"', async () => {
    const out = await throughAgents(result(), () => Promise.resolve([]));
    expect(out.results.slice(1).map((r) => [r.alive, r.reason, r.detail])).toEqual([
      [false, 'no-contact', 'no answer from agent tram-a within 3 s'],
      [false, 'no-contact', 'no answer from agent tram-a within 3 s'],
    ]);
  });
});
