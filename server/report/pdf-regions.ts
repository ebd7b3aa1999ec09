// [NV5] The PDF's short table by region ("Theo tỉnh" for a national meeting), the worst first, under the
// summary: for the centre, which provinces to call about. Only when the meeting has two or more regions;
// the workbook's sheet of the same name has every figure of each.
import { formatPct, rankPhase, worstFirst, type MeetingReport } from '../../shared/report';
import { formatDurationWords } from '../../shared/time';
import { PHASE_WORDS } from './labels';
import { regionsTitle } from './regions';
import { ownRowName } from './tree';
import { SIZE, type Writer } from './pdf-writer';

const count = (n: number): string => n.toLocaleString('vi-VN');

export function regionsSection(w: Writer, r: MeetingReport): void {
  const regions = r.regions ?? [];
  if (regions.length < 2) return;
  const ph = rankPhase(r);
  w.sub(`${regionsTitle(regions)} — ${PHASE_WORDS[ph]} (khu vực kém nhất trước)`);
  w.table(
    [
      { header: 'Khu vực', width: 26 },
      { header: 'Số điểm cầu', width: 10, align: 'right' },
      { header: 'Khả dụng', width: 11, align: 'right' },
      { header: 'Thời gian mất kết nối (cộng các điểm cầu)', width: 22, align: 'right' },
      { header: 'Số lần mất', width: 10, align: 'right' },
      { header: 'Điểm cầu có mất kết nối', width: 13, align: 'right' },
    ],
    worstFirst(regions, ph).map((g) => {
      const f = g[ph];
      return [
        g.own ? ownRowName(g.name) : g.name,
        count(g.points),
        f ? formatPct(f.reachablePct) : '—',
        f ? formatDurationWords(f.downMs) : '—',
        f ? count(f.downCount) : '—',
        f ? count(f.pointsWithDown) : '—',
      ];
    }),
    SIZE.table,
  );
}
