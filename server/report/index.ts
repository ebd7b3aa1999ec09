// The post-meeting report as one part of the app (issue 5): the report service (figures, snapshots),
// outage notes, the archiver that stores each meeting's report when its window closes and the daily
// retention purge, started and stopped together.
import type { AlertGrouping } from '../../shared/alerts';
import type { Logger } from 'pino';
import type { WindowConfig } from '../../shared/phase';
import type { Access } from '../auth/access';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { StatusConfig } from '../status/types';
import type { Store } from '../store/types';
import { ReportArchiver } from './archive';
import type { ChecklistSource } from './checklist-source';
import { OutageNotes } from './notes';
import { DAY_MS, DEFAULT_RETENTION, RetentionJob, type RetentionPolicy } from './retention';
import { ReportService } from './service';
import type { CsvTable, MeetingReport } from '../../shared/report';
import type { WorkerPool } from '../workers/pool';
import type { ReportInput } from '../workers/tasks';
import { reportCsv } from './csv';
import { reportBytes, reportOfBytes } from './current';
import { reportPdf } from './pdf';
import { pdfSamples } from './pdf-samples';
import { ReportSettingsService } from './settings';
import { reportXlsx } from './xlsx';
import type { ReportSettings } from '../../shared/report-settings';

/** A worker's bytes arrive as a plain Uint8Array: the same memory, seen as a Buffer. */
const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const asReport = (r: MeetingReport | Uint8Array): MeetingReport => (r instanceof Uint8Array ? reportOfBytes(r) : r);
const reportInput = (r: MeetingReport | Uint8Array): ReportInput =>
  r instanceof Uint8Array ? { json: r } : { report: r };

export { registerReportEvents, publishOutageNotes } from './socket';
export { checklistSource, noChecklist, type ChecklistSource } from './checklist-source';
export { DEFAULT_RETENTION, type RetentionPolicy } from './retention';

export interface ReportOptions {
  retention?: Partial<RetentionPolicy>;
  /** `serve --report-org`: the organisation when neither the admin page nor the config file names one. */
  organization?: string | null;
  /** The config file's `report:` section: who issues the PDF, unless saved on the admin page. */
  settings?: ReportSettings | null;
  /** Reuse of a computed report (default 15 s). */
  cacheMs?: number;
  archiveIntervalMs?: number;
  /** First purge after start (default 5 min). */
  purgeDelayMs?: number;
}

export interface ReportDeps {
  store: Store;
  inventory: Inventory;
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  access: Pick<Access, 'check'>;
  clock: Clock;
  logger: Logger;
  status?: StatusConfig;
  windows?: WindowConfig;
  checklist?: ChecklistSource;
  options?: ReportOptions;
  /** The alerts' grouping settings (the report's outages grouped by problem, AL15). */
  grouping?: AlertGrouping;
  /** Heavy work off the request loop: figures, XLSX and PDF in pool workers (server/workers/). */
  pool?: WorkerPool;
}

/** The document's particulars of one PDF: the clerk's number and the date of the date line. */
export interface PdfIssue {
  number: number | null;
  issuedAt: number;
}

/** The report's files, rendered here or in a pool worker. */
export interface ReportRender {
  /** A report as an object, or as its UTF-8 JSON (`ReportService.reportJson`). */
  xlsx(report: MeetingReport | Uint8Array): Promise<Buffer>;
  /** Laid out with the settings in force at the call. */
  pdf(report: MeetingReport | Uint8Array, issue?: Partial<PdfIssue>): Promise<Buffer>;
  csv(report: MeetingReport | Uint8Array, table: CsvTable, semicolon: boolean): Promise<string>;
}

export interface Reports {
  service: ReportService;
  render: ReportRender;
  notes: OutageNotes;
  archiver: ReportArchiver;
  retention: RetentionJob;
  settings: ReportSettingsService;
  start(): void;
  stop(): void;
}

export function createReports(d: ReportDeps): Reports {
  const logger = d.logger.child({ part: 'report' });
  const o = d.options ?? {};
  const service = new ReportService({
    store: d.store,
    inventory: d.inventory,
    participation: d.participation,
    clock: d.clock,
    logger,
    status: d.status,
    checklist: d.checklist,
    grouping: d.grouping,
    cacheMs: o.cacheMs,
    compute: d.pool && ((input) => d.pool!.run('report.compute', input)),
    bytes: d.pool && {
      compute: (input) => d.pool!.run('report.computeJson', input),
      view: (base, current, source, scope) => d.pool!.run('report.view', { base, current, source, scope }),
    },
  });
  const settings = new ReportSettingsService({
    store: d.store,
    clock: d.clock,
    logger,
    file: o.settings ?? null,
    organization: o.organization ?? null,
  });
  const pdfInput = async (issue: Partial<PdfIssue> = {}) => ({
    settings: await settings.current(),
    number: issue.number ?? null,
    issuedAt: issue.issuedAt ?? d.clock.now(),
  });
  const pool = d.pool;
  const render: ReportRender = pool
    ? {
        xlsx: async (report) => toBuffer(await pool.run('report.xlsx', reportInput(report))),
        pdf: async (report, issue) =>
          toBuffer(await pool.run('report.pdf', { ...reportInput(report), ...(await pdfInput(issue)) }, 120_000)),
        csv: async (report, table, semicolon) =>
          pool.run('report.csv', {
            json: report instanceof Uint8Array ? report : reportBytes(report),
            table,
            semicolon,
          }),
      }
    : {
        xlsx: (report) => reportXlsx(asReport(report)),
        pdf: async (report, issue) => {
          const r = asReport(report);
          return reportPdf({ report: r, ...(await pdfInput(issue)), samples: await pdfSamples(d.store, r) });
        },
        csv: async (report, table, semicolon) => reportCsv(asReport(report), table, semicolon),
      };
  const notes = new OutageNotes({
    store: d.store,
    clock: d.clock,
    meeting: (id) => d.inventory.meeting(id),
    check: (actor, action, code) => d.access.check(actor, action, code),
  });
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, ...o.retention };
  const archiver = new ReportArchiver({
    service,
    store: d.store,
    inventory: d.inventory,
    clock: d.clock,
    logger,
    windows: d.windows,
    rollupRetentionMs: policy.rollupDays === null ? null : policy.rollupDays * DAY_MS,
    intervalMs: o.archiveIntervalMs,
  });
  const retention = new RetentionJob({
    store: d.store,
    archiver,
    clock: d.clock,
    logger,
    policy,
    firstDelayMs: o.purgeDelayMs,
  });
  return {
    service,
    notes,
    archiver,
    retention,
    render,
    settings,
    start() {
      archiver.start();
      retention.start();
    },
    stop() {
      archiver.stop();
      retention.stop();
    },
  };
}
