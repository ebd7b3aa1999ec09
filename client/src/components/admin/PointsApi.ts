// REST of the admin screen's point editor: /api/points (CRUD, validated on the whole inventory, all or
// nothing). A refusal throws ApiError with the server's message and its field errors, in the
// dashboard's language (apiHeaders sends it).
import { z } from 'zod';
import { Point } from '../../../../shared/schemas';
import { apiHeaders } from '../../lib/apiHeaders';
import { parseResponse } from '../../live/api';

const pointUrl = (code: string): string => `/api/points/${encodeURIComponent(code)}`;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: apiHeaders({ 'content-type': 'application/json' }),
  body: JSON.stringify(body),
});

export const pointsApi = {
  list: async (signal?: AbortSignal): Promise<Point[]> =>
    parseResponse(await fetch('/api/points', { headers: apiHeaders(), signal }), '/api/points', z.array(Point)),
  /** A new point; 409 when its code exists. */
  create: async (body: Record<string, unknown>): Promise<Point> =>
    parseResponse(await fetch('/api/points', json('POST', body)), '/api/points', Point),
  save: async (code: string, body: Record<string, unknown>): Promise<Point> =>
    parseResponse(await fetch(pointUrl(code), json('PUT', body)), pointUrl(code), Point),
  remove: async (code: string): Promise<void> => {
    const res = await fetch(pointUrl(code), { method: 'DELETE', headers: apiHeaders() });
    if (!res.ok) await parseResponse(res, pointUrl(code), z.unknown());
  },
};
