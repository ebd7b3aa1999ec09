// A room's codec in the whole pipeline: the Poly VideoOS and Cisco RoomOS simulators
// (tests/simulators/, written from the vendors' API references; no codec runs here) behind points whose
// lines fping answers, the monitor's codec engine polling them (at most every 5 s), the checklist's
// automatic evaluation during the line test and the roll call of a live meeting. The codec's call sets
// "Hình ảnh" and "Âm thanh" (CL11), the status says in the call (TG6, TG8), the roll call keeps it
// (RC7), and no API answer carries the codec's password, only its reference.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistSnapshot, ItemMark } from '../../../shared/checklist';
import { targetId } from '../../../shared/targets';
import { VideoOsSimulator, type SimChannel } from '../../simulators/videoos-sim';
import { RoomOsSimulator } from '../../simulators/roomos-sim';
import {
  api,
  connectSocket,
  connected,
  meetingNow,
  okData,
  startTestApp,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { address, province, rowOf, statusRow } from './pipeline';

const POLY_PW = `Poly-${process.pid}-mật-khẩu-Ω`;
const CISCO_PW = `Cisco-${process.pid}-bí-mật-Σ`;
const ENV = `DIEMCAU_PIPE_POLY_PW_${process.pid}`;
const A = address(3, 0); // C1: Poly
const B = address(3, 1); // C2: no codec
const C = address(3, 2); // C3: Cisco
/** Codec polls are 5 s apart whatever the cadence: a change is seen within one poll and a checklist tick. */
const CODEC_WAIT_MS = 15_000;

const poly = new VideoOsSimulator({ user: 'admin', password: POLY_PW, host: A });
const cisco = new RoomOsSimulator({ user: 'admin', password: CISCO_PW, host: C });
const good: SimChannel[] = [
  { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 0.4, jitterMs: 6 },
  { media: 'video', direction: 'rx', rateKbps: 1536, lossPct: 0.2, jitterMs: 9 },
  { media: 'video', direction: 'tx', rateKbps: 1472, lossPct: 0, jitterMs: 3 },
];
const FAR = 'sip:hnttt-tinh@mcu.example.vn';
let t: TestApp;
let dir: string;
let socket: TestSocket | null = null;
let POLY: string;
let CISCO: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dc-pipe-codec-'));
  const secrets = join(dir, 'secrets.yaml');
  writeFileSync(secrets, `phong-3: '${CISCO_PW}'\n`, { mode: 0o600 });
  process.env[ENV] = POLY_PW;
  await Promise.all([poly.start(), cisco.start()]);
  poly.inCall(FAR, good);
  cisco.inCall(FAR, good);
  const { units, points } = province([
    [
      { kind: 'icmp', host: A, role: 'primary' },
      { kind: 'videoos', ...poly.address, user: 'admin', password: { env: ENV }, verifyTls: false, role: 'endpoint' },
    ],
    [{ kind: 'icmp', host: B, role: 'primary' }],
    [
      { kind: 'icmp', host: C, role: 'primary' },
      {
        kind: 'roomos',
        ...cisco.address,
        user: 'admin',
        password: { file: secrets, key: 'phong-3' },
        verifyTls: false,
        role: 'endpoint',
      },
    ],
  ]);
  POLY = targetId({ kind: 'videoos', ...poly.address });
  CISCO = targetId({ kind: 'roomos', ...cisco.address });
  t = await startTestApp({
    units,
    points,
    // The line test for the checklist; a live session for the roll call.
    meetings: [meetingNow('LT', 'lineTest'), meetingNow('L', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 1_000 },
    // Past the codecs' first poll (spread within 5 s), as the 10 s default is meant to be.
    checklist: { rollCallSettleMs: 7_000 },
  });
}, 30_000);

afterAll(async () => {
  socket?.disconnect();
  await t?.dispose();
  await Promise.all([poly.stop(), cisco.stop()]);
  delete process.env[ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const snapshot = async (meeting: string): Promise<ChecklistSnapshot> => {
  const { status, json } = await api(t, 'GET', `/api/meetings/${meeting}/checklist`);
  expect(status).toBe(200);
  return json as ChecklistSnapshot;
};
const mark = async (code: string, item: string): Promise<ItemMark | undefined> =>
  (await snapshot('LT')).items.find((m) => m.point === code && m.item === item);
const results = (code: string) => async () => {
  const items = (await snapshot('LT')).items.filter((m) => m.point === code);
  const of = (key: string): string | undefined => items.find((m) => m.item === key)?.result;
  return { video: of('hinh-anh'), audio: of('am-thanh') };
};

describe('a codec behind the point: call status, checklist and roll call', () => {
  it('[TG6][TG8][CL11] in the call: the status says so with the codec row’s call, and both codec items pass', async () => {
    const s = await waitFor(
      'C1 in the call',
      async () => {
        const r = await statusRow(t, 'L', 'C1');
        return r?.inCall === true ? r : undefined;
      },
      CODEC_WAIT_MS,
    );
    expect(s).toMatchObject({ state: 'up', endpoint: 'up', inCall: true });
    expect(rowOf(s, POLY)).toMatchObject({
      kind: 'videoos',
      role: 'endpoint',
      state: 'up',
      reason: null,
      port: poly.address.port,
    });
    expect(rowOf(s, POLY)!.call).toEqual({ inCall: true, farEnd: FAR, channels: good });
    // A point without a codec has no call to tell.
    expect(await statusRow(t, 'L', 'C2')).toMatchObject({ state: 'up', endpoint: null, inCall: null });

    await waitFor(
      'C1 codec items passing',
      async () => {
        const r = await results('C1')();
        return r.video === 'pass' && r.audio === 'pass';
      },
      CODEC_WAIT_MS,
    );
    expect(await mark('C1', 'am-thanh')).toMatchObject({ by: 'hệ thống' });
    // Without a codec they stay manual: the server sets no mark on them.
    expect(await results('C2')()).toEqual({ video: undefined, audio: undefined });
  }, 40_000);

  it('[TG6][CL11] a Cisco RoomOS codec (password from a secrets file) says the same through its xAPI', async () => {
    const s = await waitFor(
      'C3 in the call',
      async () => {
        const r = await statusRow(t, 'L', 'C3');
        return r?.inCall === true ? r : undefined;
      },
      CODEC_WAIT_MS,
    );
    expect(rowOf(s, CISCO)).toMatchObject({ kind: 'roomos', state: 'up' });
    expect(rowOf(s, CISCO)!.call).toMatchObject({ inCall: true });
    await waitFor(
      'C3 codec items passing',
      async () => {
        const r = await results('C3')();
        return r.video === 'pass' && r.audio === 'pass';
      },
      CODEC_WAIT_MS,
    );
  }, 40_000);

  it('[RC7] the roll call keeps what the codec said: in the call where one is asked, reachable elsewhere', async () => {
    const captures = await waitFor(
      'both roll calls',
      async () => {
        const c = (await snapshot('L')).rollCall.captures;
        return c.length === 2 ? c : undefined;
      },
      20_000,
    );
    for (const c of captures) {
      const entry = (code: string) => c.entries.find((e) => e.code === code);
      expect(entry('C1')).toMatchObject({ state: 'up', connected: true, inCall: true });
      expect(entry('C3')).toMatchObject({ state: 'up', connected: true, inCall: true });
      expect(entry('C2')).toMatchObject({ state: 'up', connected: true, inCall: null });
    }
  }, 30_000);

  it('[CL11] audio loss above 5 % fails "Âm thanh" and leaves "Hình ảnh" passing', async () => {
    await waitFor('C1 passing', async () => (await results('C1')()).audio === 'pass', CODEC_WAIT_MS);
    poly.inCall(FAR, [{ ...good[0]!, lossPct: 7.5 }, good[1]!, good[2]!]);
    await waitFor('C1 audio failing', async () => (await results('C1')()).audio === 'fail', CODEC_WAIT_MS);
    expect((await results('C1')()).video).toBe('pass');
    const s = await statusRow(t, 'L', 'C1');
    expect(rowOf(s, POLY)!.call!.channels.find((c) => c.media === 'audio')!.lossPct).toBe(7.5);
    // Good again: passes again.
    poly.inCall(FAR, good);
    await waitFor('C1 audio passing again', async () => (await results('C1')()).audio === 'pass', CODEC_WAIT_MS);
  }, 40_000);

  it('[TG6][CL11] not in the call: both codec items fail, the status says not in the call', async () => {
    poly.hangUp();
    await waitFor(
      'C1 codec items failing',
      async () => {
        const r = await results('C1')();
        return r.video === 'fail' && r.audio === 'fail';
      },
      CODEC_WAIT_MS,
    );
    const s = await statusRow(t, 'L', 'C1');
    // The codec answers: the endpoint is up, only the call is missing.
    expect(s).toMatchObject({ state: 'up', endpoint: 'up', inCall: false });
    expect(rowOf(s, POLY)!.call).toEqual({ inCall: false, farEnd: null, channels: [] });
    const { json: history } = await api(t, 'GET', '/api/meetings/LT/checklist/history?point=C1&item=hinh-anh');
    expect(history.map((h: { value: string; by: string; source: string }) => [h.value, h.by, h.source])).toEqual([
      ['pass', 'hệ thống', 'auto'],
      ['fail', 'hệ thống', 'auto'],
    ]);
  }, 40_000);

  it('[CL11] a codec item cannot be ticked by hand where the codec answers it; a point without codec still can', async () => {
    const current = await mark('C1', 'am-thanh');
    const refused = await api(t, 'PUT', '/api/meetings/LT/checklist/points/C1/items/am-thanh', {
      result: 'pass',
      version: current?.version ?? 0,
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('bad_request');
    expect(JSON.stringify(refused.json)).toMatch(/thiết bị đầu cuối/);
    expect((await mark('C1', 'am-thanh'))?.result).toBe(current?.result);

    const before = await mark('C2', 'am-thanh');
    const ticked = await api(t, 'PUT', '/api/meetings/LT/checklist/points/C2/items/am-thanh', {
      result: 'pass',
      version: before?.version ?? 0,
    });
    expect(ticked.status).toBe(200);
    expect(await mark('C2', 'am-thanh')).toMatchObject({ result: 'pass', by: 'admin' });
  });

  it('[TG4] "test now" asks the codec too; no API answer carries a codec password, only its reference', async () => {
    socket = connectSocket(t.url, t.cookie);
    await connected(socket);
    const test = okData(await socket.emitWithAck('point:test', { code: 'C1' }));
    expect(test.results.map((r) => [r.kind, r.alive])).toEqual([
      ['icmp', true],
      ['videoos', true],
    ]);
    const test3 = okData(await socket.emitWithAck('point:test', { code: 'C3' }));
    expect(test3.results.map((r) => [r.kind, r.alive])).toEqual([
      ['icmp', true],
      ['roomos', true],
    ]);

    const point = await api(t, 'GET', '/api/points/C1');
    expect(point.status).toBe(200);
    expect(point.json.targets[1]).toMatchObject({ kind: 'videoos', user: 'admin', password: { env: ENV } });
    const point3 = await api(t, 'GET', '/api/points/C3');
    expect(point3.json.targets[1].password).toEqual({ file: expect.stringMatching(/secrets\.yaml$/), key: 'phong-3' });
    const answers = [
      JSON.stringify(test),
      JSON.stringify(test3),
      JSON.stringify(point.json),
      JSON.stringify(point3.json),
      JSON.stringify((await api(t, 'GET', '/api/points')).json),
      JSON.stringify((await api(t, 'GET', '/api/meetings/L/status')).json),
      JSON.stringify((await api(t, 'GET', '/api/points/C1/targets')).json),
      JSON.stringify((await api(t, 'GET', '/api/points/C3/targets')).json),
      JSON.stringify(await snapshot('LT')),
    ];
    for (const a of answers) {
      expect(a).not.toContain(POLY_PW);
      expect(a).not.toContain(CISCO_PW);
    }
    // The simulators did see the passwords: the reference was resolved, just never shown.
    expect(poly.logins).toBeGreaterThan(0);
    expect(cisco.logins).toBeGreaterThan(0);
  }, 30_000);
});
