// /api/agents through the real app and real HTTP, on SQLite and PostgreSQL (docs/AGENTS.md AG2, AG10):
// an admin registers (the token once, never a hash), rotates and revokes; AgentAuth hears revocations at
// once; technicians read, viewers do not; bodies refused per field in Vietnamese. The `agent` field of
// units and points goes through the inventory API and survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView, IssuedAgentToken } from '../../../shared/agent-view';
import { hashAgentToken } from '../../../server/agent/tokens';
import { api, startTestApp, tinyProvince, userCookie, type TestApp } from '../../helpers/app';
import { STORE_BACKENDS, type TestStore } from '../../helpers/backends';

const { units, points } = tinyProvince(47, 3);

describe.each(STORE_BACKENDS)('/api/agents on %s', (_name, openBackend) => {
  let backend: TestStore;
  let t: TestApp;
  beforeAll(async () => {
    backend = await openBackend();
    t = await startTestApp({
      db: backend.db,
      units,
      points,
      cadence: { idleMs: 60_000, lineTestMs: 60_000, liveMs: 60_000 },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await backend?.drop();
  });

  it('[AG2] registers an agent with units: 201, the token once, the units given the agent, no hash anywhere', async () => {
    const r = await api(t, 'POST', '/api/agents', { name: 'tram-d1', units: ['D1'] });
    expect(r.status).toBe(201);
    const issued = r.json as IssuedAgentToken;
    expect(issued.token).toMatch(/^dca_[A-Za-z0-9_-]{43}$/);
    expect(issued.agent).toMatchObject({
      name: 'tram-d1',
      registered: true,
      createdBy: 'admin',
      revokedAt: null,
      // D1 and its communes resolve to it; their four points are probed by it.
      units: ['C1', 'C2', 'C3', 'D1'],
      points: 4,
      // The monitor knows it from the inventory at once (the units changed), never heard from yet.
      link: { connected: false, lastContactAt: null, silentSince: null, targets: 4, outboxDepth: 0 },
    });
    expect(await t.app.agents.authenticate(issued.token)).toBe('tram-d1');
    expect(t.app.inventory.unit('D1')?.agent).toBe('tram-d1');
    const list = await api(t, 'GET', '/api/agents');
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.json);
    expect(text).not.toContain(issued.token);
    expect(text).not.toContain(hashAgentToken(issued.token));
    expect((list.json as AgentView[]).map((a) => a.name)).toEqual(['tram-d1']);
  });

  it('[AG2] refuses bad bodies per field, an unknown unit and a taken name, writing nothing', async () => {
    const bad = await api(t, 'POST', '/api/agents', { name: 'Trạm Một', units: 'D1' });
    expect(bad.status).toBe(400);
    const said = JSON.stringify(bad.json);
    expect(said).toMatch(/tên trạm đo chỉ gồm chữ thường/);
    expect(said).toMatch(/units/);
    const unknown = await api(t, 'POST', '/api/agents', { name: 'tram-x', units: ['C1', 'NOPE'] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toMatch(/không có đơn vị NOPE/);
    expect(t.app.inventory.unit('C1')?.agent).toBeUndefined();
    const taken = await api(t, 'POST', '/api/agents', { name: 'tram-d1' });
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.json)).toMatch(/đã có trạm đo tram-d1/);
    const names = ((await api(t, 'GET', '/api/agents')).json as AgentView[]).map((a) => a.name);
    expect(names).toEqual(['tram-d1']);
  });

  it('[AG2] rotate gives a new token and stops the old at once; revoke ends it; both heard by onRevoked', async () => {
    const heard: string[] = [];
    const off = t.app.agents.onRevoked((n) => heard.push(n));
    try {
      const first = (await api(t, 'POST', '/api/agents', { name: 'tram-r' })).json as IssuedAgentToken;
      expect(await t.app.agents.authenticate(first.token)).toBe('tram-r');
      const rot = await api(t, 'POST', '/api/agents/tram-r/rotate');
      expect(rot.status).toBe(200);
      const second = rot.json as IssuedAgentToken;
      expect(second.token).not.toBe(first.token);
      expect(heard).toEqual(['tram-r']);
      expect(await t.app.agents.authenticate(first.token)).toBeNull();
      expect(await t.app.agents.authenticate(second.token)).toBe('tram-r');
      const del = await api(t, 'DELETE', '/api/agents/tram-r');
      expect(del.status).toBe(200);
      expect((del.json as AgentView).revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(heard).toEqual(['tram-r', 'tram-r']);
      expect(await t.app.agents.authenticate(second.token)).toBeNull();
      expect((await api(t, 'DELETE', '/api/agents/tram-r')).status).toBe(404);
      expect((await api(t, 'POST', '/api/agents/nope/rotate')).status).toBe(404);
      const badName = await api(t, 'DELETE', '/api/agents/NOT%20A%20NAME');
      expect(badName.status).toBe(400);
    } finally {
      off();
    }
  });

  it('[AG10] technicians read the list, viewers do not, and only admins change it', async () => {
    const tech = await userCookie(t, 'kt', 'technician');
    const viewer = await userCookie(t, 'xem', 'viewer');
    expect((await api(t, 'GET', '/api/agents', undefined, tech)).status).toBe(200);
    const v = await api(t, 'GET', '/api/agents', undefined, viewer);
    expect(v.status).toBe(403);
    expect(JSON.stringify(v.json)).toMatch(/Chỉ quản trị viên và cán bộ kỹ thuật được xem trạm đo/);
    expect((await api(t, 'POST', '/api/agents', { name: 'tram-kt' }, tech)).status).toBe(403);
    expect((await api(t, 'DELETE', '/api/agents/tram-d1', undefined, tech)).status).toBe(403);
    expect((await api(t, 'GET', '/api/agents', undefined, null)).status).toBe(401);
  });

  it('[AG1] the inventory API keeps `agent` on units and points, also after a restart', async () => {
    const c2 = units.find((u) => u.id === 'C2')!;
    expect((await api(t, 'PUT', '/api/units/C2', { ...c2, agent: 'tram-c2' })).status).toBe(200);
    const p3 = points.find((p) => p.code === 'C3')!;
    expect((await api(t, 'PUT', '/api/points/C3', { ...p3, agent: 'tram-p' })).status).toBe(200);
    const bad = await api(t, 'PUT', '/api/points/C3', { ...p3, agent: 'Không Hợp Lệ' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/agent/);
    const list = (await api(t, 'GET', '/api/agents')).json as AgentView[];
    expect(list.find((a) => a.name === 'tram-c2')).toMatchObject({ registered: false, units: ['C2'], points: 1 });
    expect(list.find((a) => a.name === 'tram-p')).toMatchObject({ registered: false, units: [], points: 1 });
    const { dir } = t;
    await t.stop();
    t = await startTestApp({ db: backend.db, dir, cadence: { idleMs: 60_000, lineTestMs: 60_000, liveMs: 60_000 } });
    expect((await api(t, 'GET', '/api/units/C2')).json).toMatchObject({ agent: 'tram-c2' });
    expect((await api(t, 'GET', '/api/points/C3')).json).toMatchObject({ agent: 'tram-p' });
  });
});
