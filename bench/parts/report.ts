// The report part: a generated meeting of 10,000 points over a 4-hour session (and a 1-hour line
// test) in a real SQLite file; the report is computed from it as GET /api/meetings/:id/report does.
// Target: under 10 s on this machine (issue 5).
import { join } from 'node:path';
import { computeReport } from '../../server/report/compute';
import { reportPdf } from '../../server/report/pdf';
import { reportXlsx } from '../../server/report/xlsx';
import { openSqliteStore } from '../../server/store/sqlite';
import type { BenchPart, BenchResult } from '../lib/types';
import { benchReportInput, generateReportData } from './report-data';

/** Seconds and MiB of one export. */
async function timed(f: () => Promise<Buffer>): Promise<[number, number]> {
  const t = performance.now();
  const buf = await f();
  return [(performance.now() - t) / 1000, buf.length / 2 ** 20];
}

export const reportPart: BenchPart = {
  name: 'report',
  description:
    'Post-meeting report: 10,000 points, 4 h session at 1 s and 1 h line test at 2 s (10 s rollups in SQLite), ' +
    'computed from the store: availability per point, unit and meeting, RTT quantiles, timeline, outages.',
  async run(ctx) {
    const points = ctx.quick ? 500 : 10_000;
    const file = join(ctx.dir, 'report.sqlite');
    ctx.log(`generating ${points.toLocaleString('en-US')} points…`);
    const t0 = performance.now();
    const data = generateReportData({ file, points, sessionHours: 4, lineTestMinutes: 60 });
    ctx.log(
      `generated ${data.rollups.toLocaleString('en-US')} rollups and ${data.outages} outages in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const store = openSqliteStore(file);
    try {
      const started = performance.now();
      const report = await computeReport(benchReportInput(store, data.meeting.id));
      const seconds = (performance.now() - started) / 1000;
      const json = JSON.stringify(report);
      ctx.log(
        `report: ${report.points.length} points, ${report.units.length} units, ${report.outages.length} outages, ` +
          `live up ${report.summary.live?.upPct} %, JSON ${(json.length / 2 ** 20).toFixed(1)} MiB`,
      );
      const [xlsxS, xlsxMiB] = await timed(() => reportXlsx(report));
      const [pdfS, pdfMiB] = await timed(() => reportPdf({ report, samples: new Map() }));
      const results: BenchResult[] = [
        {
          name: `report: ${points.toLocaleString('en-US')} points × 4 h`,
          value: seconds,
          unit: 's',
          target: ctx.quick ? undefined : '< 10 s',
          ok: ctx.quick ? undefined : seconds < 10,
          note: `${data.rollups.toLocaleString('en-US')} rollups read`,
        },
        {
          name: 'report: per 1,000 rollups',
          value: (seconds * 1e6) / data.rollups,
          unit: 'ms',
        },
        { name: 'report: JSON size', value: json.length / 2 ** 20, unit: 'MiB' },
        { name: 'export: XLSX workbook', value: xlsxS, unit: 's', note: `${xlsxMiB.toFixed(1)} MiB` },
        { name: 'export: PDF (without point charts)', value: pdfS, unit: 's', note: `${pdfMiB.toFixed(2)} MiB` },
      ];
      return results;
    } finally {
      store.close();
    }
  },
};
