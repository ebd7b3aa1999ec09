// REST of the admin screen's planned maintenance (GET/POST/DELETE /api/maintenance). Bodies are parsed
// by the shared schemas; a refusal throws ApiError with the server's (translated) message.
import { z } from 'zod';
import { MaintenanceView, type MaintenanceInput } from '../../../shared/maintenance';
import { ApiError } from '../live/api';
import { apiHeaders } from './apiHeaders';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function parse<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = ErrorBody.safeParse(body);
    throw err.success
      ? new ApiError(res.status, err.data.error.code, err.data.error.message)
      : new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', parsed.error.message);
  return parsed.data;
}

export const maintenanceApi = {
  list: async (): Promise<MaintenanceView[]> =>
    (
      await parse(
        await fetch('/api/maintenance', { headers: apiHeaders() }),
        z.object({ entries: z.array(MaintenanceView) }),
      )
    ).entries,
  create: async (input: MaintenanceInput): Promise<MaintenanceView> =>
    (
      await parse(
        await fetch('/api/maintenance', {
          method: 'POST',
          headers: apiHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify(input),
        }),
        z.object({ entry: MaintenanceView }),
      )
    ).entry,
  remove: async (id: number): Promise<void> => {
    const res = await fetch(`/api/maintenance/${id}`, { method: 'DELETE', headers: apiHeaders() });
    if (!res.ok) await parse(res, z.unknown());
  },
};
