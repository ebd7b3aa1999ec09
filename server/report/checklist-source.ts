// The checklist and roll call of a meeting as plain tables for the report's exports. The checklist is
// its own part (server/checklist, issue 4); the report only prints what it says. Tests and a server
// without the checklist use `noChecklist`.
import type { ReportTable } from '../../shared/report';
import type { ChecklistService } from '../checklist';
import { checklistRows, rollCallRows } from '../checklist/export';

export interface ChecklistTables {
  checklist: ReportTable | null;
  rollCall: ReportTable | null;
}

export interface ChecklistSource {
  tables(meetingId: string): Promise<ChecklistTables>;
}

export const noChecklist: ChecklistSource = { tables: () => Promise.resolve({ checklist: null, rollCall: null }) };

const table = (title: string, rows: string[][]): ReportTable | null => {
  const [columns, ...body] = rows;
  return columns ? { title, columns, rows: body } : null;
};

/** The checklist service's snapshot, read as an unscoped viewer (the report shows every point). */
export function checklistSource(service: Pick<ChecklistService, 'snapshot'>): ChecklistSource {
  return {
    async tables(meetingId) {
      const snap = await service.snapshot(meetingId, { name: 'report', role: 'viewer', units: [] });
      return {
        checklist: table(`Danh mục kiểm tra: ${snap.template.name}`, checklistRows(snap)),
        rollCall: table('Điểm danh', rollCallRows(snap)),
      };
    },
  };
}
