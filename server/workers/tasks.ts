// The heavy work a pool worker does, each task a function of plain data: the report's figures from
// the database (a connection of the worker's own, read-mostly), and its XLSX and PDF renderings.
import type { CsvTable, MeetingReport } from '../../shared/report';
import type { ReportSettings } from '../../shared/report-settings';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { computeReport, type ReportThresholds } from '../report/compute';
import { reportCsv } from '../report/csv';
import { bytesKey, reportBytes, reportOfBytes, type CurrentParts } from '../report/current';
import { viewReport } from '../report/scope';
import { reportPdf } from '../report/pdf';
import { pdfSamples } from '../report/pdf-samples';
import { reportXlsx } from '../report/xlsx';
import { openStore } from '../store/open';
import type { Store } from '../store/types';

/** What every worker is started with. */
export interface WorkerInit {
  /** The SQLite file the server uses. */
  db: string;
}

export interface ComputeInput {
  meeting: Meeting;
  participants: Point[];
  points: Point[];
  units: Unit[];
  now: number;
  thresholds: ReportThresholds;
}

/**
 * [NV5] A unit's report: the unit, the units above its participating points (inventory order), and
 * the input computing those points' timeline (their own points and units only: it crosses to a worker).
 */
export interface ScopeInput {
  unit: Unit;
  units: Unit[];
  input: ComputeInput;
}

/** A report as an object, or as its UTF-8 JSON (what the request loop keeps: it never parses it). */
export type ReportInput = { report: MeetingReport } | { json: Uint8Array };

interface Tasks {
  'report.compute': [ComputeInput, MeetingReport];
  /** The figures as UTF-8 JSON, handed back without a copy. */
  'report.computeJson': [ComputeInput, Uint8Array];
  /** The figures joined with the fresh parts (notes, checklist, roll call), as UTF-8 JSON. */
  'report.view': [
    { base: Uint8Array; current: CurrentParts; source: 'live' | 'snapshot'; scope?: ScopeInput },
    Uint8Array,
  ];
  'report.csv': [{ json: Uint8Array; table: CsvTable; semicolon: boolean }, string];
  'report.xlsx': [ReportInput, Uint8Array];
  'report.pdf': [ReportInput & { settings: ReportSettings; number: number | null; issuedAt: number }, Uint8Array];
}

const reportOf = (i: ReportInput): MeetingReport => ('json' in i ? reportOfBytes(i.json) : i.report);

export type TaskName = keyof Tasks;
export type TaskInput<N extends TaskName> = Tasks[N][0];
export type TaskOutput<N extends TaskName> = Tasks[N][1];

export function openTasks(init: WorkerInit): { run(name: TaskName, input: unknown): Promise<unknown> } {
  let store: Promise<Store> | null = null;
  // The checkpoints stay with the server's own worker; this connection only reads (a small pool on
  // PostgreSQL). A failed open is not kept: the next task tries again.
  const db = (): Promise<Store> => {
    store ??= openStore(init.db, { sqlite: { checkpoint: 'none' }, pgMax: 2 }).catch((err: unknown) => {
      store = null;
      throw err;
    });
    return store;
  };
  // [NV5] The whole report last cut to a unit, parsed: after a national meeting the provinces ask for
  // their parts one after another, and parsing the whole (64 MiB) each time was most of each request.
  // Kept only from one unit's view to the next: any other task drops it, so the heap holds one copy.
  let parsed: { key: string; report: MeetingReport } | null = null;
  const wholeOf = (bytes: Uint8Array): MeetingReport => {
    const key = bytesKey(bytes);
    if (parsed?.key !== key) parsed = { key, report: reportOfBytes(bytes) };
    return parsed.report;
  };
  const handlers: { [N in TaskName]: (input: TaskInput<N>) => Promise<TaskOutput<N>> } = {
    'report.compute': async (i) => computeReport({ ...i, store: await db() }),
    'report.computeJson': async (i) => reportBytes(await computeReport({ ...i, store: await db() })),
    'report.view': async (i) => {
      const scope = i.scope;
      if (!scope) parsed = null;
      const view = await viewReport(
        { ...(scope ? wholeOf(i.base) : reportOfBytes(i.base)), source: i.source },
        i.current,
        scope && {
          unit: scope.unit,
          units: scope.units,
          timeline: async (now) => (await computeReport({ ...scope.input, now, store: await db() })).timeline,
        },
      );
      return reportBytes(view);
    },
    'report.csv': async (i) => reportCsv(reportOfBytes(i.json), i.table, i.semicolon),
    'report.xlsx': async (i) => reportXlsx(reportOf(i)),
    'report.pdf': async (i) => {
      const report = reportOf(i);
      return reportPdf({
        report,
        settings: i.settings,
        number: i.number,
        issuedAt: i.issuedAt,
        samples: await pdfSamples(await db(), report),
      });
    },
  };
  return {
    run: (name, input) => {
      if (name !== 'report.view') parsed = null;
      return (handlers[name] as (i: unknown) => Promise<unknown>)(input);
    },
  };
}
