// REST of the admin screen's point editor: /api/points (CRUD, validated on the whole inventory, all or
// nothing). A refusal throws ApiError with the server's message and its field errors, in the
// dashboard's language (apiHeaders sends it).
import { z } from 'zod';
import { Point } from '../../../../shared/schemas';
import { apiHeaders } from '../../lib/apiHeaders';
import { ApiError } from '../../live/api';

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

async function parse<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = ErrorBody.safeParse(body);
    throw err.success
      ? new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.error.fields)
      : new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', parsed.error.message);
  return parsed.data;
}

const pointUrl = (code: string): string => `/api/points/${encodeURIComponent(code)}`;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: apiHeaders({ 'content-type': 'application/json' }),
  body: JSON.stringify(body),
});

export const pointsApi = {
  list: async (signal?: AbortSignal): Promise<Point[]> =>
    parse(await fetch('/api/points', { headers: apiHeaders(), signal }), z.array(Point)),
  /** A new point; 409 when its code exists. */
  create: async (body: Record<string, unknown>): Promise<Point> =>
    parse(await fetch('/api/points', json('POST', body)), Point),
  save: async (code: string, body: Record<string, unknown>): Promise<Point> =>
    parse(await fetch(pointUrl(code), json('PUT', body)), Point),
  remove: async (code: string): Promise<void> => {
    const res = await fetch(pointUrl(code), { method: 'DELETE', headers: apiHeaders() });
    if (!res.ok) await parse(res, z.unknown());
  },
};
