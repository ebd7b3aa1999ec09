// Heavy request work in the pool (server/workers/pool.ts): bounded in time (a task past its budget is
// stopped with a clear 503, the server answering meanwhile) and in concurrency (requests beyond the
// queue refused at once as busy, not left to pile up).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportCsv } from '../../../server/report/csv';
import { openSqliteStore } from '../../../server/store/sqlite';
import { api, startTestApp, type TestApp } from '../../helpers/app';
import { MEETING, seed } from '../../unit/report/fixture';

/** Nice value of every thread of this process, by thread id (field 19 of /proc/self/task/TID/stat). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while listed
    }
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 is first.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[19 - 3]));
  }
  return out;
}

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
});

async function seeded(workers: {
  size?: number;
  maxQueue?: number;
  timeoutMs?: number;
  maxHeapMb?: number;
}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'dc-report-pool-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seed(store);
  store.close();
  const t = await startTestApp({ dir, workers, report: { cacheMs: 0 } });
  apps.push(t);
  return t;
}

describe('heavy request work in worker threads', () => {
  it('[H13.2] a report over its time budget is stopped with a clear 503; the server answers throughout', async () => {
    const t = await seeded({ timeoutMs: 1 });
    const [report, health] = await Promise.all([
      api(t, 'GET', `/api/meetings/${MEETING.id}/report`),
      api(t, 'GET', '/api/health'),
    ]);
    expect(health.status).toBe(200);
    expect(report.status).toBe(503);
    expect(report.json.error.code).toBe('timeout');
    expect(report.json.error.message).toMatch(/^Quá thời gian xử lý \(0 giây\)/);
    const en = await fetch(`${t.url}/api/meetings/${MEETING.id}/report`, {
      headers: { cookie: t.cookie, 'accept-language': 'en' },
    });
    expect(((await en.json()) as { error: { message: string } }).error.message).toMatch(
      /^Over its time budget \(0 s\): the request was stopped\.$/,
    );
    expect(report.headers.get('retry-after')).toBe('5');
    // A fresh worker takes the next task (it is refused the same way: the budget is still 1 ms).
    expect((await api(t, 'GET', `/api/meetings/${MEETING.id}/report.xlsx`)).status).toBe(503);
  });

  it('[H13.2] beyond one running task and an empty queue, requests are refused as busy at once', async () => {
    const t = await seeded({ size: 1, maxQueue: 0 });
    const paths = ['report.pdf', 'report.xlsx', 'report'].map((p) => `/api/meetings/${MEETING.id}/${p}`);
    const results = await Promise.all(paths.map((p) => api(t, 'GET', p)));
    const statuses = results.map((r) => r.status);
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1)).toEqual([503, 503]);
    for (const r of results.slice(1)) {
      expect(r.json.error.code).toBe('busy');
      expect(r.json.error.message).toContain('Máy chủ đang bận');
    }
    // Once the first is done, the next goes through.
    expect((await api(t, 'GET', paths[2]!)).status).toBe(200);
  });

  it('[H13.2] a task beyond the worker heap fails alone with a clear 503; the next worker serves', async () => {
    const t = await seeded({ maxHeapMb: 4 });
    const res = await api(t, 'GET', `/api/meetings/${MEETING.id}/report`);
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('memory');
    expect(res.json.error.message).toBe('Yêu cầu cần quá 4 MiB bộ nhớ: không thực hiện được.');
    // [WE6] In English when the dashboard asks for it.
    const en = await fetch(`${t.url}/api/meetings/${MEETING.id}/report`, {
      headers: { cookie: t.cookie, 'accept-language': 'en' },
    });
    expect(en.status).toBe(503);
    expect(((await en.json()) as { error: { message: string } }).error.message).toBe(
      'The request needs over 4 MiB of memory: it cannot be done.',
    );
    expect((await api(t, 'GET', '/api/health')).status).toBe(200);
  });

  it('[H13.2] the report worker runs at the lowest priority, its own thread only: the live path keeps the CPU', async () => {
    const before = threadNices();
    expect([...before.values()].every((n) => n === 0)).toBe(true);
    const t = await seeded({});
    expect((await api(t, 'GET', `/api/meetings/${MEETING.id}/report`)).status).toBe(200);
    // The worker stays for its idle time (30 s) after the task: its thread is still there to look at.
    const after = threadNices();
    const lowered = [...after].filter(([tid]) => !before.has(tid) && after.get(tid) === 19);
    expect(lowered.length).toBeGreaterThanOrEqual(1);
    // The process's main thread (its tid is the pid) and every thread that was there before keep theirs.
    expect(after.get(process.pid)).toBe(0);
    const kept = [...before].filter(([tid]) => after.has(tid));
    expect(kept.map(([tid]) => after.get(tid))).toEqual(kept.map(([, nice]) => nice));
  });

  it('[H13.2] with workers the report travels as bytes; JSON and CSV equal the report computed as an object', async () => {
    const t = await seeded({});
    const path = `/api/meetings/${MEETING.id}/report`;
    // The bytes path (the route) and the object path (the service, computing in the same pool).
    const [a, object] = await Promise.all([api(t, 'GET', path), t.app.reports.service.report(MEETING.id)]);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
    type Json = { generatedAt: string; outages: { open: boolean }[] } & Record<string, unknown>;
    // The same report but for the instant each was computed at: an open outage runs until then.
    const strip = (r: Json) => ({
      ...r,
      generatedAt: null,
      outages: r.outages.map((o) =>
        o.open ? { ...o, endedAt: null, durationMs: null, lineTestMs: null, liveMs: null } : o,
      ),
    });
    const b = JSON.parse(JSON.stringify(object)) as Json;
    expect(a.json.outages.length).toBeGreaterThan(0);
    expect(strip(a.json)).toEqual(strip(b));
    const csv = await api(t, 'GET', `${path}.csv?table=units`);
    expect(csv.status).toBe(200);
    // fetch's text() drops the byte-order mark the CSV starts with.
    expect(csv.json).toBe(reportCsv(object, 'units').replace(/^\uFEFF/, ''));
    for (const what of ['xlsx', 'pdf']) expect((await api(t, 'GET', `${path}.${what}`)).status).toBe(200);
  });
});
