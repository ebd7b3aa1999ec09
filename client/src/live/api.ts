// REST client. Responses are parsed by the shared schemas, so a server that drifts from the contract
// fails loudly here instead of drawing wrong numbers. Errors arrive as { error: { code, message } }.
import { z } from 'zod';
import { apiHeaders } from '../lib/apiHeaders';
import type { MeetingView, MonitorGap } from '../../../shared/protocol';
import { ImportPreview, ImportReport } from '../../../shared/import';
import { ParsedInvitation } from '../../../shared/invitation';
import { Meeting, Outage, Phase, Point, Sample, Unit } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { PROBE_REASONS, TARGET_KINDS, type TargetStatusRow } from '../../../shared/targets';

const MediaChannelSchema = z.object({
  media: z.enum(['video', 'audio', 'content']),
  direction: z.enum(['rx', 'tx']),
  rateKbps: z.number().nullable(),
  lossPct: z.number().nullable(),
  jitterMs: z.number().nullable(),
});

/** [TG8] GET /api/points/:code/targets. */
const TargetStatusRowSchema: z.ZodType<TargetStatusRow> = z.object({
  kind: z.enum(TARGET_KINDS),
  host: z.string(),
  role: z.enum(['primary', 'backup', 'endpoint']),
  id: z.string(),
  label: z.string(),
  port: z.number().nullable(),
  state: z.enum(['up', 'degraded', 'severe', 'down', 'unknown']),
  rtt: z.number().nullable(),
  reason: z.enum(PROBE_REASONS).nullable(),
  code: z.number().nullable(),
  detail: z.string().nullable(),
  certExpiresAt: z.string().nullable(),
  call: z
    .object({ inCall: z.boolean(), farEnd: z.string().nullable(), channels: z.array(MediaChannelSchema) })
    .nullable(),
});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field errors of a refused body, keyed by dotted path (`session.plannedEnd`). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const GapSchema = z.object({
  from: z.string(),
  to: z.string(),
  reason: z.enum(['stopped', 'stall', 'clock']),
}) satisfies z.ZodType<MonitorGap>;

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

let onUnauthorized: () => void = () => {};

/** Called on any 401 from the API: the session is gone, the page shows the login screen. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** A response's body by its schema, or the server's refusal as an ApiError (a 401 shows the login). */
export async function parseResponse<T>(res: Response, path: string, schema: z.ZodType<T>): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) onUnauthorized();
  if (!res.ok) {
    const err = ErrorBody.safeParse(body);
    throw err.success
      ? new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.error.fields)
      : new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `${path}: ${parsed.error.message}`);
  return parsed.data;
}

/** A file as the raw body, its name (URI-encoded: headers are Latin-1) in X-Filename. */
async function postFile<T>(path: string, file: File, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: apiHeaders({
      'content-type': file.type || 'application/octet-stream',
      'x-filename': encodeURIComponent(file.name),
    }),
    body: file,
    signal,
  });
  return parseResponse(res, path, schema);
}

async function postJson<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: apiHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  return parseResponse(res, path, schema);
}

const MeetingSize = z.number().int().nonnegative().optional();

const MeetingViewSchema = z.unknown().transform((raw, ctx): MeetingView => {
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  // `size` (NV4, the participating points) is the server's addition, not a field of the stored meeting.
  const { phase, size, ...meeting } = obj;
  const parsedPhase = Phase.safeParse(phase);
  const parsedMeeting = Meeting.safeParse(meeting);
  const parsedSize = MeetingSize.safeParse(size);
  if (!parsedPhase.success || !parsedMeeting.success || !parsedSize.success) {
    ctx.addIssue({ code: 'custom', message: 'not a MeetingView' });
    return z.NEVER;
  }
  const view: MeetingView = { ...parsedMeeting.data, phase: parsedPhase.data };
  if (parsedSize.data !== undefined) view.size = parsedSize.data;
  return view;
});

const Health = z.object({
  ok: z.literal(true),
  engine: z.enum(['fping', 'ping']),
  version: z.string(),
  // The storage health (also pushed as `server:health`); optional for an older server.
  storage: z.enum(['ok', 'failing']).optional(),
  since: z.string().optional(),
  pendingWrites: z.number().optional(),
});
export type Health = z.infer<typeof Health>;

async function getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: apiHeaders(), signal });
  return parseResponse(res, path, schema);
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
  targets: (code: string, signal?: AbortSignal) =>
    getJson(`/api/points/${encodeURIComponent(code)}/targets`, z.array(TargetStatusRowSchema), signal),
  /** Spans when no monitor ran during the meeting's windows: unknown, neither up nor down. */
  gaps: (meetingId: string, signal?: AbortSignal) =>
    getJson(`/api/meetings/${encodeURIComponent(meetingId)}/gaps`, z.array(GapSchema), signal),
  units: (signal?: AbortSignal) => getJson('/api/units', z.array(Unit), signal),
  points: (signal?: AbortSignal) => getJson('/api/points', z.array(Point), signal),
  createMeeting: (meeting: Meeting) => postJson('/api/meetings', meeting, MeetingViewSchema),
  parseInvitation: (file: File, signal?: AbortSignal) =>
    postFile('/api/invitations/parse', file, ParsedInvitation, signal),
  importPreview: (file: File, signal?: AbortSignal) =>
    postFile('/api/import/points/preview', file, ImportPreview, signal),
  importApply: (file: File, validOnly: boolean) =>
    postFile(`/api/import/points/apply${query({ validOnly: String(validOnly) })}`, file, ImportReport),
};

export const EXPORT_URLS = {
  csv: '/api/export/points.csv',
  csvSemicolon: '/api/export/points.csv?delimiter=semicolon',
  xlsx: '/api/export/points.xlsx',
} as const;
