// `diemcau lab verify --truth FILE --server URL --meeting ID --user NAME`: logs in, fetches what a
// running monitor recorded for the lab's meeting and judges it against the truth. Exit 0 when every
// criterion holds, 1 when it falls short, 2 on bad arguments, a refused login or an unreachable server.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Outage, POINT_STATES, PointStatus, type PointState } from '../../shared/schemas';
import { defaultTimeoutMs } from '../probe/kinds';
import { sipTimeout } from '../probe/sip/engine';
import { endpointOutages } from './expected';
import { expectedFromTruth, readTruth } from './truth';
import { compareEndpointOutages, compareOutages, type DetectedOutage } from './verify';
import { formatVerifyReport } from './verify-table';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Where `--password-stdin` reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Where DIEMCAU_PASSWORD is read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export const VERIFY_USAGE = `Cách dùng: diemcau lab verify --truth FILE --server URL --meeting ID
  --user NAME [--password-stdin]   đăng nhập (mật khẩu từ stdin, hoặc biến môi trường DIEMCAU_PASSWORD)
  [--interval-ms 1000]   chu kỳ thăm dò của monitor trong lúc chạy (mặc định 1000 ms: đang họp)
  [--tolerance-ms 500]   sai số cho phép thêm vào một chu kỳ
  [--delayed-states degraded]  trạng thái chấp nhận cho điểm cầu bị làm trễ (phân tách bằng dấu phẩy)
  [--endpoint-timeout-ms N]    thời gian chờ của thăm dò thiết bị đầu cuối (mặc định như monitor: 900 ms ở chu kỳ 1 s)
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

class LoginError extends Error {}

async function getJson(url: string, cookie: string | null): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  const res = await fetch(url, { headers });
  if (res.status === 401) throw new LoginError(`GET ${url}: HTTP 401 — cần đăng nhập (--user NAME)`);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

/** POST /api/auth/login; the session cookie (`name=value`) to send with every read. */
async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) {
    const retry = res.headers.get('retry-after');
    throw new LoginError(
      `đăng nhập "${username}" thất bại (login failed): HTTP ${res.status}${retry ? `, thử lại sau ${retry} s` : ''}`,
    );
  }
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new LoginError('đăng nhập: máy chủ không trả cookie phiên (no session cookie)');
  return cookie;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
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
        user: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        'interval-ms': { type: 'string', default: '1000' },
        'tolerance-ms': { type: 'string', default: '500' },
        'delayed-states': { type: 'string', default: 'degraded' },
        'endpoint-timeout-ms': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${VERIFY_USAGE}`);
    return 2;
  }
  const interval = Number(values['interval-ms']);
  const tolerance = Number(values['tolerance-ms']);
  // The monitor's own SIP timeout at that interval: a slower answer is a failed probe.
  const endpointTimeout =
    values['endpoint-timeout-ms'] === undefined
      ? sipTimeout({ intervalMs: interval, timeoutMs: defaultTimeoutMs(interval) })
      : Number(values['endpoint-timeout-ms']);
  const delayedStates = values['delayed-states'].split(',').map((x) => x.trim());
  const badState = delayedStates.some((x) => !(POINT_STATES as readonly string[]).includes(x));
  if (
    !values.truth ||
    !values.server ||
    !values.meeting ||
    !(interval > 0) ||
    !(tolerance >= 0) ||
    badState ||
    !(endpointTimeout > 0)
  ) {
    io.stderr.write(VERIFY_USAGE);
    return 2;
  }
  const env = io.env ?? process.env;
  let password: string | undefined;
  if (values['password-stdin']) password = (await readAll(io.stdin ?? process.stdin)).replace(/\r?\n$/, '');
  else password = env.DIEMCAU_PASSWORD;
  if (values.user !== undefined && !password) {
    io.stderr.write(`--user ${values.user}: mật khẩu qua --password-stdin hoặc DIEMCAU_PASSWORD (no password)\n`);
    return 2;
  }
  const base = values.server.replace(/\/+$/, '');
  const meeting = encodeURIComponent(values.meeting);
  let expected;
  let rows: Outage[];
  let statuses: PointStatus[];
  let gaps: { from: number; to: number }[] = [];
  let readAt = Date.now();
  try {
    expected = expectedFromTruth(readTruth(values.truth));
    // Every API read needs a session (docs/SECURITY.md); without --user the reads are tried bare.
    const cookie = values.user !== undefined ? await login(base, values.user, password!) : null;
    rows = z
      .array(Outage)
      .parse(rowsOf(await getJson(`${base}/api/outages?meeting=${meeting}`, cookie), ['outages', 'items', 'data']));
    readAt = Date.now();
    const window = `from=${new Date(expected.startT - 60_000).toISOString()}&to=${new Date(readAt).toISOString()}`;
    // A monitor without the gaps route (or a stand-in) is judged strictly, as if it declared none.
    gaps = await getJson(`${base}/api/gaps?${window}`, cookie).then(
      (j) =>
        z
          .array(z.object({ from: z.string(), to: z.string() }))
          .parse(j)
          .map((g) => ({ from: Date.parse(g.from), to: Date.parse(g.to) })),
      () => [],
    );
    statuses = z
      .array(PointStatus)
      .parse(
        rowsOf(await getJson(`${base}/api/meetings/${meeting}/status`, cookie), [
          'points',
          'statuses',
          'items',
          'data',
        ]),
      );
  } catch (err) {
    io.stderr.write(`Lỗi: ${err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message}\n`);
    return 2;
  }

  // Only the lab's points, and only outages that touch the run (not earlier or later ones) — on both
  // sides: drop runs logged before play or after its end are judged as little as detected ones.
  const lab = new Set(expected.hosts.map((h) => h.id));
  const margin = interval + tolerance;
  const touches = (o: { start: number; end: number | null }): boolean =>
    (o.end ?? Infinity) >= expected.startT - margin && o.start <= expected.endT + margin;
  // [TG7] The line's outages and the endpoint's are two lanes, judged apart.
  const detectedOf = (cls: Outage['class']): DetectedOutage[] =>
    rows
      .filter((r) => r.class === cls)
      .map((r) => ({
        id: r.id,
        point: r.point,
        type: r.type,
        start: Date.parse(r.startedAt),
        end: r.endedAt === null ? null : Date.parse(r.endedAt),
      }))
      .filter((d) => lab.has(d.point) && touches(d));
  const detected = detectedOf('line');
  const detectedEndpoint = detectedOf('endpoint');
  const states: Record<string, PointState> = {};
  for (const s of statuses) if (lab.has(s.code)) states[s.code] = s.state;

  // The monitor's loss window (30 s, and at least its last 20 probes; SPEC ST6) still holds the probes
  // a delayed point lost in a cut that ended within it: its state then may rightly be severe.
  const lossWindow = Math.max(30_000, 20 * interval) + margin;
  const settling = expected.delayed.filter((id) =>
    expected.outages.some((o) => o.point === id && (o.end ?? Infinity) > readAt - lossWindow),
  );
  const report = compareOutages(expected.outages.filter(touches), detected, {
    probeIntervalMs: interval,
    toleranceMs: tolerance,
    lossyOnly: expected.lossyOnly,
    uncertain: expected.heavyLoss,
    delayed: expected.delayed,
    states,
    delayedStates: delayedStates as PointState[],
    settling,
    gaps,
  });
  if (expected.hosts.some((h) => h.endpoint) || detectedEndpoint.length > 0) {
    const ep = compareEndpointOutages(
      endpointOutages(expected, { timeoutMs: endpointTimeout }).filter(touches),
      detectedEndpoint,
      { probeIntervalMs: interval, toleranceMs: tolerance, gaps },
    );
    report.endpoint = ep;
    report.criteria.push(...ep.criteria);
    report.ok &&= ep.ok;
  }
  if (!expected.complete) io.stderr.write('Cảnh báo: tệp sự thật chưa có dòng tổng kết (lab up bị ngắt?).\n');
  io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatVerifyReport(report));
  return report.ok ? 0 : 1;
}
