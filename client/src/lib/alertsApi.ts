// REST of the admin screen's alert channels: the list (no secrets), the delivery log, "send a test".
// Bodies are parsed by the shared schemas.
import { z } from 'zod';
import { AlertChannelList, DeliveryView } from '../../../shared/alerts';
import { ApiError } from '../live/api';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function parse<T>(res: Response, path: string, schema: z.ZodType<T>): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = ErrorBody.safeParse(body);
    throw err.success
      ? new ApiError(res.status, err.data.error.code, err.data.error.message)
      : new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `${path}: ${parsed.error.message}`);
  return parsed.data;
}

const Deliveries = z.object({ deliveries: z.array(DeliveryView) });
const TestAnswer = z.object({ delivery: DeliveryView });
const json = { accept: 'application/json' };

export const alertsApi = {
  channels: async (): Promise<AlertChannelList> => {
    const path = '/api/alerts/channels';
    return parse(await fetch(path, { headers: json }), path, AlertChannelList);
  },
  deliveries: async (): Promise<DeliveryView[]> => {
    const path = '/api/alerts/deliveries?limit=100';
    return (await parse(await fetch(path, { headers: json }), path, Deliveries)).deliveries;
  },
  test: async (channel: string): Promise<DeliveryView> => {
    const path = `/api/alerts/channels/${encodeURIComponent(channel)}/test`;
    return (await parse(await fetch(path, { method: 'POST', headers: json }), path, TestAnswer)).delivery;
  },
};
