// REST of the report view: the report, an outage's note with its history, the acknowledgement. Bodies
// are parsed by the shared schemas, so a drifting server fails loudly here.
import { z } from 'zod';
import { apiHeaders } from './apiHeaders';
import { MeetingReport, OutageNoteWithHistory, type Cause, type CsvTable } from '../../../shared/report';
import { parseResponse as parse } from '../live/api';

const NoteSaved = OutageNoteWithHistory.extend({ changed: z.boolean() });
export type NoteSaved = z.infer<typeof NoteSaved>;

const base = (meetingId: string): string => `/api/meetings/${encodeURIComponent(meetingId)}/report`;

export const reportApi = {
  report: async (meetingId: string, signal?: AbortSignal): Promise<MeetingReport> => {
    const path = base(meetingId);
    return parse(await fetch(path, { headers: apiHeaders(), signal }), path, MeetingReport);
  },
  note: async (outageId: number, signal?: AbortSignal): Promise<OutageNoteWithHistory> => {
    const path = `/api/outages/${outageId}/note`;
    return parse(await fetch(path, { headers: apiHeaders(), signal }), path, OutageNoteWithHistory);
  },
  saveNote: async (outageId: number, body: { cause: Cause | null; note: string }): Promise<NoteSaved> => {
    const path = `/api/outages/${outageId}/note`;
    const res = await fetch(path, {
      method: 'PUT',
      headers: apiHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    return parse(res, path, NoteSaved);
  },
};

export const reportUrls = {
  pdf: (meetingId: string) => `${base(meetingId)}.pdf`,
  xlsx: (meetingId: string) => `${base(meetingId)}.xlsx`,
  csv: (meetingId: string, table: CsvTable) => `${base(meetingId)}.csv?table=${table}`,
};
