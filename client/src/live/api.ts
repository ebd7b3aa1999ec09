// REST client. Responses are parsed by the shared schemas, so a server that drifts from the contract
// fails loudly here instead of drawing wrong numbers. Errors arrive as { error: { code, message } }.
import { z } from 'zod';
import type { MeetingView } from '../../../shared/protocol';
import { Meeting, Outage, Phase, Sample } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const MeetingViewSchema = z.unknown().transform((raw, ctx): MeetingView => {
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { phase, ...meeting } = obj;
  const parsedPhase = Phase.safeParse(phase);
  const parsedMeeting = Meeting.safeParse(meeting);
  if (!parsedPhase.success || !parsedMeeting.success) {
    ctx.addIssue({ code: 'custom', message: 'not a MeetingView' });
    return z.NEVER;
  }
  return { ...parsedMeeting.data, phase: parsedPhase.data };
});

const Health = z.object({ ok: z.literal(true), engine: z.enum(['fping', 'ping']), version: z.string() });
export type Health = z.infer<typeof Health>;

async function getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, signal });
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

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  meetings: (signal?: AbortSignal) => getJson('/api/meetings', z.array(MeetingViewSchema), signal),
  meeting: (id: string, signal?: AbortSignal) =>
    getJson(`/api/meetings/${encodeURIComponent(id)}`, MeetingViewSchema, signal),
  outages: (
    q: { meeting?: string; point?: string; from?: number; to?: number; limit?: number },
    signal?: AbortSignal,
  ) =>
    getJson(
      `/api/outages${query({
        meeting: q.meeting,
        point: q.point,
        from: q.from === undefined ? undefined : toWireInstant(q.from),
        to: q.to === undefined ? undefined : toWireInstant(q.to),
        limit: q.limit,
      })}`,
      z.array(Outage),
      signal,
    ),
  samples: (code: string, from: number, to: number, signal?: AbortSignal) =>
    getJson(
      `/api/points/${encodeURIComponent(code)}/samples${query({ from: toWireInstant(from), to: toWireInstant(to) })}`,
      z.array(Sample),
      signal,
    ),
  health: (signal?: AbortSignal) => getJson('/api/health', Health, signal),
};
