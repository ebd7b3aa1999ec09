// The daily digest's configuration (`alerts.digest` in the inventory file) and its message
// (server/alerts/digest.ts composeDigest/renderDigest, through render.ts as the channels call it).
import { describe, expect, it } from 'vitest';
import { composeDigest, dueAt, vnDay } from '../../../server/alerts/digest';
import type { Incident } from '../../../server/alerts/incident';
import { plainText, renderIncident } from '../../../server/alerts/render';
import { parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';

const UNITS = `units:
  - { id: P, name: Tỉnh Thử, level: province, parent: null }
`;
const CH = `channels: [ { id: ops, kind: webhook, url: "http://127.0.0.1:9000/hook" } ], rules: [ { channel: ops } ]`;

function issues(text: string): { path: string; message: string }[] {
  try {
    parseInventoryText(text, 'prov.yaml');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  return [];
}

const T = Date.parse('2026-12-02T22:10:05+07:00');
function held(kind: 'open' | 'recovered', outage: number, start: number, end: number | null): Incident {
  return {
    id: `outage-${outage}-${kind}`,
    kind,
    severity: 'critical',
    type: 'down',
    at: end ?? start,
    start,
    end,
    meeting: null,
    phase: null,
    outages: [outage],
    points: [{ code: 'C2', name: 'Điểm cầu xã Hai', unit: { id: 'C2', name: 'Xã Hai' }, contacts: [] }],
    text: '',
  };
}

describe('daily digest', () => {
  it('[AL34] alerts.digest is accepted with a time and known channels; a bad time or an unknown channel is refused', () => {
    const ok = parseInventoryText(`${UNITS}alerts: { ${CH}, digest: { at: "07:00", channels: [ops] } }\n`, 'prov.yaml');
    expect(ok.alerts?.digest).toEqual({ at: '07:00', channels: ['ops'] });
    const bad = issues(`${UNITS}alerts: { ${CH}, digest: { at: "7h", channels: [ops, khong-co] } }\n`);
    expect(bad.map((i) => i.path)).toEqual(['alerts.digest.at', 'alerts.digest.channels[1]']);
    expect(bad[1]!.message).toContain('no channel "khong-co"');
  });

  it('[AL34] days and hours are Vietnam time', () => {
    expect(vnDay(Date.parse('2026-12-02T17:30:00Z'))).toBe('2026-12-03');
    expect(dueAt('2026-12-03', '07:00')).toBe(Date.parse('2026-12-03T00:00:00Z'));
  });

  it('[AL35] one line per outage (opening and recovery joined), in Vietnamese and in English, with the link', () => {
    const now = Date.parse('2026-12-03T07:00:00+07:00');
    const d = composeDigest('2026-12-03', now, [
      held('open', 4, T, null),
      held('recovered', 4, T, T + 125_000),
      held('open', 5, T + 3_600_000, null),
    ]);
    expect(d).toMatchObject({ id: 'digest-2026-12-03', kind: 'digest', outages: [4, 5], points: [{ code: 'C2' }] });
    expect(plainText(renderIncident(d, 'vi', 'https://gs.example.vn', 'ops'))).toBe(
      [
        '[diemcau] TỔNG HỢP SỰ CỐ NGOÀI GIỜ HỌP đến 07:00:00 03/12/2026: 2 sự cố',
        'Các sự cố xảy ra ngoài khung giờ họp (không gửi cảnh báo ngay):',
        '• Điểm cầu xã Hai (Xã Hai): mất kết nối 22:10:05 02/12/2026 – 22:12:10 02/12/2026, gián đoạn 2 phút 05 giây',
        '  https://gs.example.vn/#point=C2',
        '• Điểm cầu xã Hai (Xã Hai): mất kết nối từ 23:10:05 02/12/2026, chưa kết nối lại',
        '  https://gs.example.vn/#point=C2',
      ].join('\n'),
    );
    expect(renderIncident(d, 'en', undefined, 'ops').title).toBe(
      '[diemcau] OUT-OF-HOURS DIGEST to 07:00:00 03/12/2026: 2 incidents',
    );
  });
});
