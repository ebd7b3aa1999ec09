// The rollups the PDF charts: the charted points' 10 s samples over the report's main phase.
import type { MeetingReport } from '../../shared/report';
import type { RollupRow, Store } from '../store/types';
import { chartedPoints, mainPhase } from './pdf';

export async function pdfSamples(
  store: Pick<Store, 'listRollups'>,
  report: MeetingReport,
): Promise<Map<string, RollupRow[]>> {
  const samples = new Map<string, RollupRow[]>();
  const ph = mainPhase(report);
  if (!ph || !report.phases[ph].coveredTo) return samples;
  const from = Date.parse(report.phases[ph].from);
  const to = Date.parse(report.phases[ph].coveredTo!);
  for (const code of chartedPoints(report)) samples.set(code, await store.listRollups(code, from, to));
  return samples;
}
