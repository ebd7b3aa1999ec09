// REST of the report view: the report, an outage's note with its history, the acknowledgement. Bodies
// are parsed by the shared schemas, so a drifting server fails loudly here.
import { z } from 'zod';
import { apiHeaders } from './apiHeaders';
import { MeetingReport, OutageNoteWithHistory, type Cause, type CsvTable } from '../../../shared/report';
import { parseResponse as parse } from '../live/api';

const NoteSaved = OutageNoteWithHistory.extend({ changed: z.boolean() });
export type NoteSaved = z.infer<typeof NoteSaved>;

const base = (meetingId: string): string => `/api/meetings/${encodeURIComponent(meetingId)}/report`;
/** [NV5] `unit=…`: a unit's own report; null: the whole meeting's. */
const unitParam = (unit: string | null): string => (unit === null ? '' : `unit=${encodeURIComponent(unit)}`);
const withQuery = (path: string, ...params: string[]): string => {
  const q = params.filter((x) => x !== '').join('&');
  return q === '' ? path : `${path}?${q}`;
};

export const reportApi = {
  report: async (meetingId: string, signal?: AbortSignal, unit: string | null = null): Promise<MeetingReport> => {
    const path = withQuery(base(meetingId), unitParam(unit));
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
  pdf: (meetingId: string, unit: string | null = null) => withQuery(`${base(meetingId)}.pdf`, unitParam(unit)),
  xlsx: (meetingId: string, unit: string | null = null) => withQuery(`${base(meetingId)}.xlsx`, unitParam(unit)),
  csv: (meetingId: string, table: CsvTable, unit: string | null = null) =>
    withQuery(`${base(meetingId)}.csv`, `table=${table}`, unitParam(unit)),
};
