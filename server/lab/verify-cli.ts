// `diemcau lab verify --truth FILE --server URL --meeting ID`: fetches what a running monitor
// recorded for the lab's meeting and judges it against the truth. Exit 0 when every criterion holds,
// 1 when it falls short, 2 on bad arguments or an unreachable server.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Outage, POINT_STATES, PointStatus, type PointState } from '../../shared/schemas';
import { expectedFromTruth, readTruth } from './truth';
import { compareOutages, type DetectedOutage } from './verify';
import { formatVerifyReport } from './verify-table';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export const VERIFY_USAGE = `Cách dùng: diemcau lab verify --truth FILE --server URL --meeting ID
  [--interval-ms 1000]   chu kỳ thăm dò của monitor trong lúc chạy (mặc định 1000 ms: đang họp)
  [--tolerance-ms 500]   sai số cho phép thêm vào một chu kỳ
  [--delayed-states degraded]  trạng thái chấp nhận cho điểm cầu bị làm trễ (phân tách bằng dấu phẩy)
  [--json]               in báo cáo dạng JSON
`;

/** Rows may come bare or wrapped (`{ outages: [...] }`): accept either. */
function rowsOf(body: unknown, keys: string[]): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const k of keys) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v;
    }
  }
  throw new Error(`unexpected response: neither an array nor { ${keys.join(' | ')}: [...] }`);
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

export async function runVerifyCli(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        truth: { type: 'string' },
        server: { type: 'string' },
        meeting: { type: 'string' },
        'interval-ms': { type: 'string', default: '1000' },
        'tolerance-ms': { type: 'string', default: '500' },
        'delayed-states': { type: 'string', default: 'degraded' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${VERIFY_USAGE}`);
    return 2;
  }
  const interval = Number(values['interval-ms']);
  const tolerance = Number(values['tolerance-ms']);
  const delayedStates = values['delayed-states'].split(',').map((x) => x.trim());
  const badState = delayedStates.some((x) => !(POINT_STATES as readonly string[]).includes(x));
  if (!values.truth || !values.server || !values.meeting || !(interval > 0) || !(tolerance >= 0) || badState) {
    io.stderr.write(VERIFY_USAGE);
    return 2;
  }
  const base = values.server.replace(/\/+$/, '');
  const meeting = encodeURIComponent(values.meeting);
  let expected;
  let rows: Outage[];
  let statuses: PointStatus[];
  try {
    expected = expectedFromTruth(readTruth(values.truth));
    rows = z
      .array(Outage)
      .parse(rowsOf(await getJson(`${base}/api/outages?meeting=${meeting}`), ['outages', 'items', 'data']));
    statuses = z
      .array(PointStatus)
      .parse(rowsOf(await getJson(`${base}/api/meetings/${meeting}/status`), ['points', 'statuses', 'items', 'data']));
  } catch (err) {
    io.stderr.write(`Lỗi: ${err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message}\n`);
    return 2;
  }

  // Only the lab's points, and only outages that touch the run (not earlier or later ones).
  const lab = new Set(expected.hosts.map((h) => h.id));
  const margin = interval + tolerance;
  const detected: DetectedOutage[] = rows
    .map((r) => ({
      id: r.id,
      point: r.point,
      type: r.type,
      start: Date.parse(r.startedAt),
      end: r.endedAt === null ? null : Date.parse(r.endedAt),
    }))
    .filter(
      (d) => lab.has(d.point) && (d.end ?? Infinity) >= expected.startT - margin && d.start <= expected.endT + margin,
    );
  const states: Record<string, PointState> = {};
  for (const s of statuses) if (lab.has(s.code)) states[s.code] = s.state;

  const report = compareOutages(expected.outages, detected, {
    probeIntervalMs: interval,
    toleranceMs: tolerance,
    lossyOnly: expected.lossyOnly,
    uncertain: expected.heavyLoss,
    delayed: expected.delayed,
    states,
    delayedStates: delayedStates as PointState[],
  });
  if (!expected.complete) io.stderr.write('Cảnh báo: tệp sự thật chưa có dòng tổng kết (lab up bị ngắt?).\n');
  io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatVerifyReport(report));
  return report.ok ? 0 : 1;
}
