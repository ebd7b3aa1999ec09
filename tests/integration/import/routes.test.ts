// Real HTTP requests to the import router: preview, apply (all or valid rows only), export and
// re-import, invitation upload; every refusal leaves the inventory on disk as it was.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportPreview, ImportReport } from '../../../shared/import';
import { ParsedInvitation } from '../../../shared/invitation';
import { XLSX_MIME } from '../../../server/importer';
import { buildDocx, buildPdf } from '../../unit/invitation/files';
import { POINTS } from '../../unit/importer/province';
import { startImportServer, type ImportServer } from './server';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const LIST = readFileSync(join(FIXTURES, 'import', 'danh-sach-can-loc.csv'));
let s: ImportServer;

beforeEach(async () => {
  s = await startImportServer();
});
afterEach(async () => {
  await s.close();
});

const uploads = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('dc-invitation-'));

function post(
  path: string,
  body: Uint8Array | string,
  type = 'text/csv',
  filename?: string,
  lang?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': type };
  if (lang) headers['accept-language'] = lang;
  if (filename) headers['x-filename'] = encodeURIComponent(filename);
  return fetch(`${s.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

async function errorOf(res: Response): Promise<{ code: string; message: string; problem?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; problem?: string } };
  return body.error;
}

describe('POST /api/import/points/preview', () => {
  it('previews a CSV list', async () => {
    const res = await post('/api/import/points/preview', LIST, 'text/csv', 'danh sách Can Lộc.csv');
    expect(res.status).toBe(200);
    const p = ImportPreview.parse(await res.json());
    expect(p.counts).toEqual({ new: 2, updated: 1, unchanged: 0, invalid: 0 });
    expect(p.rows.map((r) => r.row)).toEqual([5, 6, 7]);
  });

  it('previews an XLSX export of the inventory as unchanged', async () => {
    const xlsx = Buffer.from(await (await fetch(`${s.url}/api/export/points.xlsx`)).arrayBuffer());
    const res = await post('/api/import/points/preview', xlsx, XLSX_MIME, 'diem-cau.xlsx');
    const p = ImportPreview.parse(await res.json());
    expect(p.counts).toEqual({ new: 0, updated: 0, unchanged: POINTS.length, invalid: 0 });
  });

  it('refuses Windows-1258 with 400 and the way out', async () => {
    const bytes = readFileSync(join(FIXTURES, 'import', 'danh-sach-windows-1258.csv'));
    const res = await post('/api/import/points/preview', bytes);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: 'bad_request',
      problem: 'encoding',
      message: expect.stringContaining('CSV UTF-8'),
    });
  });

  it('refuses a file over 5 MB with 413 and a message, whatever the type', async () => {
    const res = await post('/api/import/points/preview', Buffer.alloc(10 * 1024 * 1024, 'a,b\n'));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toMatch(/quá lớn.*5 MB/);
  });

  it('refuses multipart and JSON bodies with 415, saying how to send the file', async () => {
    const multipart = await post('/api/import/points/preview', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x');
    expect(multipart.status).toBe(415);
    const json = await post('/api/import/points/preview', '{"a":1}', 'application/json');
    expect(json.status).toBe(415);
    expect((await errorOf(json)).message).toContain('X-Filename');
  });
});

describe('POST /api/import/points/apply', () => {
  const withError = 'Tên điểm cầu,Đơn vị,IP\nA,Thạch Kim,127.30.11.1\nB,Thạch Kim,$(reboot)\n';

  it('answers 409 while rows have errors, and writes nothing', async () => {
    const before = await s.t.reload();
    const res = await post('/api/import/points/apply', withError);
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'conflict', message: expect.stringContaining('1 dòng có lỗi') });
    const explicit = await post('/api/import/points/apply?validOnly=false', withError);
    expect(explicit.status).toBe(409);
    expect(await s.t.reload()).toEqual(before);
  });

  it('[WE3] [WE5] words the refusal in the asked language; row problems come in both', async () => {
    const en = await post('/api/import/points/apply', withError, 'text/csv', undefined, 'en');
    expect(await errorOf(en)).toMatchObject({
      code: 'conflict',
      message: '1 row has errors, so nothing was imported. Fix the file, or choose "Import the valid rows only".',
    });
    const preview = await post('/api/import/points/preview', withError, 'text/csv', undefined, 'en');
    const rows = (
      (await preview.json()) as { rows: { row: number; errors: { message: string; messageEn?: string }[] }[] }
    ).rows;
    expect(rows.find((r) => r.row === 3)?.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Địa chỉ IP “\$\(reboot\)” không hợp lệ: /),
        messageEn: expect.stringMatching(/^IP address "\$\(reboot\)" cannot be used: host must be/),
      }),
    ]);
  });

  it('imports the valid rows only when asked', async () => {
    const res = await post('/api/import/points/apply?validOnly=true', withError);
    expect(res.status).toBe(200);
    const report = ImportReport.parse(await res.json());
    expect(report).toMatchObject({ validOnly: true, created: ['HT-LH-THACH-KIM-A'], updated: [], skippedRows: [3] });
    expect((await s.t.reload()).points.map((p) => p.code)).toContain('HT-LH-THACH-KIM-A');
  });

  it('is idempotent: the same file twice changes nothing the second time', async () => {
    const first = ImportReport.parse(await (await post('/api/import/points/apply', LIST)).json());
    expect(first.created).toHaveLength(2);
    const stored = await s.t.reload();
    const second = ImportReport.parse(await (await post('/api/import/points/apply', LIST)).json());
    expect(second).toMatchObject({ created: [], updated: [], unchanged: 3 });
    expect(await s.t.reload()).toEqual(stored);
  });

  it('refuses an unknown validOnly value', async () => {
    const res = await post('/api/import/points/apply?validOnly=yes', LIST);
    expect(res.status).toBe(400);
  });
});

describe('GET /api/export/points.*', () => {
  it('serves a UTF-8 CSV with BOM that re-imports unchanged', async () => {
    const res = await fetch(`${s.url}/api/export/points.csv`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('diem-cau-20260305-1500.csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const back = ImportReport.parse(await (await post('/api/import/points/apply', bytes)).json());
    expect(back).toMatchObject({ created: [], updated: [], unchanged: POINTS.length });
  });

  it('[IM1] [IM8] carries endpoints through preview, apply, export and re-import; a bad one is refused in both languages', async () => {
    const sheet =
      'Mã,Tên điểm cầu,Đơn vị,IP,Thiết bị đầu cuối\n' +
      'HT-CL,Điểm cầu Huyện Can Lộc,HT-CL,127.30.1.1,"sip+tcp:127.32.40.1:5070\ntcp:127.32.40.2:1720"\n';
    const report = ImportReport.parse(await (await post('/api/import/points/apply', sheet)).json());
    expect(report.updated).toEqual(['HT-CL']);
    expect((await s.t.reload()).points.find((p) => p.code === 'HT-CL')?.targets).toEqual([
      { kind: 'icmp', host: '127.30.1.1', role: 'primary' },
      { kind: 'sip', host: '127.32.40.1', port: 5070, transport: 'tcp', role: 'endpoint' },
      { kind: 'tcp', host: '127.32.40.2', port: 1720, role: 'endpoint' },
    ]);
    const csv = Buffer.from(await (await fetch(`${s.url}/api/export/points.csv`)).arrayBuffer());
    expect(csv.toString('utf8')).toContain('"sip+tcp:127.32.40.1:5070\ntcp:127.32.40.2:1720"');
    const back = ImportReport.parse(await (await post('/api/import/points/apply', csv)).json());
    expect(back).toMatchObject({ created: [], updated: [], unchanged: POINTS.length });

    const bad = sheet.replace('tcp:127.32.40.2:1720', 'tcp:127.32.40.2');
    const preview = ImportPreview.parse(
      await (await post('/api/import/points/preview', bad, 'text/csv', 'a.csv', 'en')).json(),
    );
    expect(preview.rows[0]?.errors).toEqual([
      {
        row: 2,
        column: 'endpoint',
        code: 'endpoint.invalid',
        message: 'Thiết bị đầu cuối “tcp:127.32.40.2” không hợp lệ: tcp: cần cổng, ví dụ tcp:10.38.12.5:1720 (H.323).',
        messageEn: 'Endpoint "tcp:127.32.40.2" cannot be used: tcp: needs a port, e.g. tcp:10.38.12.5:1720 (H.323).',
      },
    ]);
  });

  it('serves ";" CSV on request, and XLSX', async () => {
    const semi = await (await fetch(`${s.url}/api/export/points.csv?delimiter=semicolon`)).text();
    expect(semi.split('\r\n')[0]).toMatch(/^\ufeff?Mã điểm cầu;Tên điểm cầu;/);
    const xlsx = await fetch(`${s.url}/api/export/points.xlsx`);
    expect(xlsx.headers.get('content-type')).toBe(XLSX_MIME);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const back = ImportReport.parse(await (await post('/api/import/points/apply', bytes, XLSX_MIME)).json());
    expect(back.unchanged).toBe(POINTS.length);
  });
});

describe('POST /api/invitations/parse', () => {
  it('reads a .txt invitation into a draft with its evidence, and removes the temp file', async () => {
    const before = uploads();
    const text = readFileSync(join(FIXTURES, 'invitations', 'giay-moi-doi-thoai-phu-nu-2022.txt'));
    const res = await post('/api/invitations/parse', text, 'text/plain', 'giấy mời đối thoại.txt');
    expect(res.status).toBe(200);
    const { draft, evidence } = ParsedInvitation.parse(await res.json());
    expect(draft).toMatchObject({
      kind: 'online',
      start: '2022-03-06T08:00:00+07:00',
      lineTest: '2022-03-05T15:00:00+07:00',
    });
    expect(evidence.lineTest).toMatch(/15/);
    expect(uploads()).toEqual(before);
  });

  it('reads .docx and .pdf uploads, by name or by their first bytes', async () => {
    const lines = [
      'GIẤY MỜI',
      'Dự Hội nghị trực tuyến triển khai nhiệm vụ năm 2026',
      'Thời gian: 08h00, ngày 06/3/2026.',
      'Địa điểm: tại điểm cầu các xã, phường.',
      'Chạy thử đường truyền: 15h00, ngày 05/3/2026.',
    ];
    const docx = await post('/api/invitations/parse', buildDocx(lines), 'application/octet-stream', 'giay-moi.docx');
    expect(ParsedInvitation.parse(await docx.json()).draft.start).toBe('2026-03-06T08:00:00+07:00');
    const pdf = await post('/api/invitations/parse', buildPdf(lines), 'application/octet-stream');
    expect(pdf.status).toBe(200);
    expect(ParsedInvitation.parse(await pdf.json()).draft.lineTest).toBe('2026-03-05T15:00:00+07:00');
  });

  it('refuses .doc, empty and oversized uploads with clear messages', async () => {
    const before = uploads();
    const doc = await post('/api/invitations/parse', 'xxxx', 'application/msword', 'giay-moi.doc');
    expect(doc.status).toBe(415);
    expect((await errorOf(doc)).message).toContain('.docx');
    const empty = await post('/api/invitations/parse', '', 'text/plain', 'a.txt');
    expect(empty.status).toBe(400);
    const big = await post('/api/invitations/parse', Buffer.alloc(11 * 1024 * 1024, 'a'), 'text/plain', 'a.txt');
    expect(big.status).toBe(413);
    expect((await errorOf(big)).message).toContain('10 MB');
    expect(uploads()).toEqual(before);
  });
});
