// [H18.2] Hostile and slow uploads against the real app (createApp on port 0, as served): each is
// answered with a clear error in the usual body, and /api/health keeps answering meanwhile, because
// uploads are parsed on worker threads with a time budget, at most maxWorkers at once.
//
// The slow upload is a legitimate 46,000-row point list, which takes over 1 s to preview on a
// warm worker; the app under test gives a point list 200 ms, so it is refused as over time with a
// margin of several times whatever the machine's load (more load only makes the parse slower).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tinyProvince, type TestApp } from '../../helpers/app';
import { buildZip } from '../../unit/invitation/files';

const { units, points } = tinyProvince(47, 2);
let t: TestApp;
let slow: TestApp;
// The invitation route's temp dirs go to a directory of this file's own: routes.test.ts, run at the
// same time in another process, checks that the shared temp dir holds no more of them than before.
const ownTmp = mkdtempSync(join(tmpdir(), 'dc-h18-uploads-'));
const sharedTmp = process.env.TMPDIR;

beforeAll(async () => {
  process.env.TMPDIR = ownTmp;
  t = await startTestApp({ units, points });
  slow = await startTestApp({ units, points, uploads: { importBudgetMs: 200, maxWorkers: 1, maxQueued: 0 } });
});
afterAll(async () => {
  await Promise.all([t?.dispose(), slow?.dispose()]);
  if (sharedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = sharedTmp;
  rmSync(ownTmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  retryAfter: string | null;
  error?: { code: string; message: string; problem?: string };
}

async function upload(
  app: TestApp,
  path: string,
  body: Uint8Array | string,
  type: string,
  name: string,
): Promise<Answer> {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { cookie: app.cookie, 'content-type': type, 'x-filename': encodeURIComponent(name) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const json = (await res.json()) as { error?: Answer['error'] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), error: json.error };
}

/** Calls /api/health every 20 ms until `until` settles; returns the statuses answered meanwhile. */
async function healthWhile(app: TestApp, until: Promise<unknown>): Promise<number[]> {
  const state = { done: false };
  void until.finally(() => {
    state.done = true;
  });
  const statuses: number[] = [];
  while (!state.done) {
    const res = await fetch(`${app.url}/api/health`, { headers: { cookie: app.cookie } });
    await res.arrayBuffer();
    if (!state.done) statuses.push(res.status);
    await new Promise((r) => setTimeout(r, 20));
  }
  return statuses;
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
  '<w:p><w:r><w:t>GIẤY MỜI</w:t></w:r></w:p>';
/** Issue 18's shape: one paragraph, then "<w:p " repeated (37,000 times: 592 bytes zipped). */
const unclosed = (reps: number): Buffer =>
  buildZip([{ name: 'word/document.xml', data: Buffer.from(HEAD + '<w:p '.repeat(reps)) }]);

function pointList(rows: number): string {
  const lines = ['Tên điểm cầu,Xã/Phường,Địa chỉ IP,Cán bộ kỹ thuật,Số điện thoại,Phòng họp,Địa chỉ'];
  for (let i = 0; i < rows; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(
      `Điểm cầu thôn ${i},Xã Số ${1 + (i % 2)},${ip},Nguyễn Văn ${i},09${String(i).padStart(8, '0')},Hội trường,Thôn ${i}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('[H18.2] hostile uploads to the running server', () => {
  it('[H18.2] answers each hostile file with a clear error, and /api/health answers meanwhile', async () => {
    const uploads = Promise.all([
      upload(t, '/api/invitations/parse', unclosed(37_000), DOCX_TYPE, 'giay-moi-592.docx'),
      upload(t, '/api/invitations/parse', unclosed(400_000), DOCX_TYPE, 'bom-nen.docx'),
      upload(t, '/api/import/points/preview', ','.repeat(4 * 1024 * 1024), 'text/csv', 'dau-phay.csv'),
      upload(t, '/api/import/points/preview', `${'"'.repeat(1_000_001)}\n`, 'text/csv', 'ngoac-kep.csv'),
    ]);
    const health = await healthWhile(t, uploads);
    const [docx, bomb, commas, quotes] = await uploads;
    expect(docx).toMatchObject({ status: 422, error: { code: 'bad_request', problem: 'no-text' } });
    expect(bomb).toMatchObject({ status: 413, error: { problem: 'too-large' } });
    expect(bomb.error?.message).toMatch(/^Tệp \.docx nén bất thường .*tối đa 100 lần\).*zip bomb/);
    expect(commas).toMatchObject({ status: 413, error: { problem: 'too-many-cells' } });
    expect(commas.error?.message).toMatch(/^Dòng 1 có 201 cột, tối đa 200\./);
    expect(quotes).toMatchObject({ status: 400, error: { problem: 'bad-file' } });
    expect(quotes.error?.message).toMatch(/ngoặc kép/);
    expect(health.every((s) => s === 200)).toBe(true);
    // No upload outlived its request.
    expect(readdirSync(ownTmp).filter((d) => d.startsWith('dc-invitation-'))).toEqual([]);
  });

  it('[H18.2] stops a parse over its time budget with 503, /api/health answering all along', async () => {
    const list = pointList(46_000);
    expect(Buffer.byteLength(list)).toBeLessThan(5 * 1024 * 1024);
    const pending = upload(slow, '/api/import/points/preview', list, 'text/csv', 'danh-sach-lon.csv');
    const health = await healthWhile(slow, pending);
    const answer = await pending;
    expect(answer).toMatchObject({ status: 503, error: { code: 'timeout', problem: 'too-slow' } });
    expect(answer.error?.message).toMatch(/^Đọc tệp quá 0,2 giây nên đã dừng: tệp quá lớn hoặc quá phức tạp\./);
    // The event loop was free while the worker parsed: health was answered, every time.
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((s) => s === 200)).toBe(true);
  });

  it('[H18.2] answers "busy" with Retry-After past maxWorkers and the queue, then parses again', async () => {
    const list = pointList(46_000);
    const answers = await Promise.all([
      upload(slow, '/api/import/points/preview', list, 'text/csv', 'mot.csv'),
      upload(slow, '/api/import/points/preview', list, 'text/csv', 'hai.csv'),
    ]);
    const codes = answers.map((a) => a.error?.code).sort();
    expect(codes).toEqual(['busy', 'timeout']);
    const busy = answers.find((a) => a.error?.code === 'busy');
    expect(busy).toMatchObject({ status: 503, retryAfter: '5' });
    expect(busy?.error?.message).toMatch(/^Máy chủ đang đọc 1 tệp khác và hàng chờ đã đầy: hãy gửi lại sau ít giây\./);
    // The terminated worker was replaced: a small list is read as usual.
    const small = await upload(slow, '/api/import/points/preview', pointList(2), 'text/csv', 'nho.csv');
    expect(small.status).toBe(200);
  });
});
