// The heavy work a pool worker does, each task a function of plain data: the report's figures from
// the database (a connection of the worker's own, read-mostly), and its XLSX and PDF renderings.
import type { MeetingReport } from '../../shared/report';
import type { ReportSettings } from '../../shared/report-settings';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { computeReport, type ReportThresholds } from '../report/compute';
import { reportPdf } from '../report/pdf';
import { pdfSamples } from '../report/pdf-samples';
import { reportXlsx } from '../report/xlsx';
import { openSqliteStore } from '../store/sqlite';
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

interface Tasks {
  'report.compute': [ComputeInput, MeetingReport];
  'report.xlsx': [{ report: MeetingReport }, Uint8Array];
  'report.pdf': [
    { report: MeetingReport; settings: ReportSettings; number: number | null; issuedAt: number },
    Uint8Array,
  ];
}

export type TaskName = keyof Tasks;
export type TaskInput<N extends TaskName> = Tasks[N][0];
export type TaskOutput<N extends TaskName> = Tasks[N][1];

export function openTasks(init: WorkerInit): { run(name: TaskName, input: unknown): Promise<unknown> } {
  let store: Store | null = null;
  // The checkpoints stay with the server's own worker; this connection only reads.
  const db = (): Store => (store ??= openSqliteStore(init.db, { checkpoint: 'none' }));
  const handlers: { [N in TaskName]: (input: TaskInput<N>) => Promise<TaskOutput<N>> } = {
    'report.compute': (i) => computeReport({ ...i, store: db() }),
    'report.xlsx': async (i) => reportXlsx(i.report),
    'report.pdf': async (i) => reportPdf({ ...i, samples: pdfSamples(db(), i.report) }),
  };
  return {
    run: (name, input) => (handlers[name] as (i: unknown) => Promise<unknown>)(input),
  };
}
