// Several instances (docs/CLUSTER.md) and the agents' link (server/agent/centre.ts): two Socket.IO
// servers joined through the Redis Streams adapter on the real Redis. A revocation heard by one instance
// closes the agent's connection held by the other, and an agent connecting to one instance replaces its
// connection to the other; "Kiểm tra ngay" asked on one instance reaches the agent connected to the
// other (AG12). Each instance's registry hears only its own revocations (a Map each).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { attachAgentCentre, type AgentCentre } from '../../../server/agent/centre';
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL,
  type AgentAuth,
  type AgentContact,
  type AgentProbeAnswer,
  type AgentProbeRequest,
  type AgentSink,
} from '../../../server/agent/contract';
import { readProbeAnswers } from '../../../server/agent/probe-now';
import { targetId } from '../../../shared/targets';
import { closeRedis, type Redis } from '../../../server/cluster/redis';
import { Point, Unit } from '../../../shared/schemas';
import { dropCluster, ensureRedis, sharedClient, testCluster } from '../../helpers/redis';
import { socketNode, type SocketNode } from '../cluster/socket-nodes';

const TOKEN = 'tok-cluster-0123456789abcdef0123456789';

class MapAuth implements AgentAuth {
  private listeners: ((name: string) => void)[] = [];
  constructor(private readonly tokens: Map<string, string>) {}
  authenticate(token: string): Promise<string | null> {
    return Promise.resolve(this.tokens.get(token) ?? null);
  }
  onRevoked(listener: (name: string) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  /** A revocation made through this instance's registry. */
  revoke(name: string): void {
    for (const l of this.listeners) l(name);
  }
}

const sink = (): AgentSink & { contacts: AgentContact[] } => {
  const contacts: AgentContact[] = [];
  return { contacts, ingestAgent: () => undefined, agentContact: (_a, c) => contacts.push(c), agents: () => [] };
};

const data = {
  units: [Unit.parse({ id: 'P', name: 'Tỉnh Thử', level: 'province', agent: 'tram-a' })],
  points: [
    Point.parse({
      code: 'P',
      name: 'Điểm cầu tỉnh',
      level: 'province',
      unit: 'P',
      targets: [{ kind: 'icmp', host: '127.0.0.1' }],
    }),
  ],
  meetings: [],
};

let redis: Redis;
let cluster: string;
let a: SocketNode;
let b: SocketNode;
let centreA: AgentCentre;
let centreB: AgentCentre;
const tokens = new Map([[TOKEN, 'tram-a']]);
const authA = new MapAuth(tokens);
const authB = new MapAuth(tokens);
const clients: Socket[] = [];

function urlOf(n: SocketNode): string {
  const address = n.io.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return `http://127.0.0.1:${address.port}${AGENT_NAMESPACE}`;
}

async function agentTo(n: SocketNode): Promise<Socket> {
  const s = connect(urlOf(n), {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { authorization: `Bearer ${TOKEN}` },
    auth: { protocol: AGENT_PROTOCOL, version: 'test', now: Date.now() },
  });
  clients.push(s);
  s.on('clock', (answer: (now: number) => void) => answer(Date.now()));
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

beforeAll(async () => {
  await ensureRedis();
  redis = await sharedClient();
  cluster = testCluster();
  const logger = pino({ level: 'silent' });
  a = await socketNode(redis, cluster, logger);
  b = await socketNode(redis, cluster, logger);
  const inventory = { data: () => data, onChange: () => undefined };
  centreA = attachAgentCentre(a.io, { auth: authA, sink: sink(), inventory, logger, instance: 'A', cluster: true });
  centreB = attachAgentCentre(b.io, { auth: authB, sink: sink(), inventory, logger, instance: 'B', cluster: true });
  // Server-side emits go over pub/sub: wait until B's reach A.
  const link = { done: false };
  a.io.of(AGENT_NAMESPACE).on('test:link', () => (link.done = true));
  const end = Date.now() + 10_000;
  while (!link.done) {
    if (Date.now() > end) throw new Error('the two instances are not linked');
    b.io.of(AGENT_NAMESPACE).serverSideEmit('test:link');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  for (const s of clients) s.close();
  centreA?.close();
  centreB?.close();
  await a?.close();
  await b?.close();
  if (redis) {
    await dropCluster(redis, cluster);
    closeRedis(redis);
  }
});

describe('agents over several instances', () => {
  it('an agent connecting to another instance replaces its connection to the first', async () => {
    const onA = await agentTo(a);
    expect(centreA.connected()).toEqual(['tram-a']);
    const told = new Promise<{ code: string }>((resolve) => onA.once('closing', resolve));
    const gone = new Promise<string>((resolve) => onA.once('disconnect', resolve));
    await agentTo(b);
    expect((await told).code).toBe('replaced');
    expect(await gone).toBe('io server disconnect');
    expect(centreA.connected()).toEqual([]);
    expect(centreB.connected()).toEqual(['tram-a']);
  });

  it('[AG12] a probe request made on one instance reaches the agent connected to the other; its answer comes back', async () => {
    const onB = clients.at(-1)!;
    expect(centreB.connected()).toEqual(['tram-a']);
    const asked: AgentProbeRequest[] = [];
    const answer = (request: AgentProbeRequest, reply: (a: AgentProbeAnswer) => void): void => {
      asked.push(request);
      reply({ ok: true, results: request.ids.map((id) => ({ target: id, t: Date.now(), rtt: 3 })) });
    };
    onB.on('probe', answer);
    const id = targetId({ kind: 'icmp', host: '127.0.0.1' });
    const answers = await centreA.probe('tram-a', { ids: [id], timeoutMs: 1_000 });
    onB.off('probe', answer);
    expect(asked).toEqual([{ ids: [id], timeoutMs: 1_000 }]);
    expect(answers).toHaveLength(1);
    expect(readProbeAnswers(answers, [id])?.results.get(id)).toEqual({ target: id, t: expect.any(Number), rtt: 3 });
    // An agent connected nowhere: no answer, at once.
    expect(await centreA.probe('tram-x', { ids: [id], timeoutMs: 1_000 })).toEqual([]);
  });

  it('a revocation heard by one instance closes the connection held by the other', async () => {
    const onB = clients.at(-1)!;
    expect(onB.connected).toBe(true);
    const told = new Promise<{ code: string }>((resolve) => onB.once('closing', resolve));
    const gone = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    authA.revoke('tram-a'); // A holds no connection of tram-a: it tells B
    expect((await told).code).toBe('revoked');
    expect(await gone).toBe('io server disconnect');
    expect(centreB.connected()).toEqual([]);
  });
});
