// Poly VideoOS REST API (G7500, Studio X), as the "Poly VideoOS REST API Reference Guide" (VideoOS 3.x
// and 4.x) describes it: `POST /rest/session` with { user, password } opens a session (cookie
// `session_id`, also given as `session.sessionId` in the body), `GET /rest/system/status` lists the
// system's status items, `GET /rest/conferences` the conferences with their connections (state,
// address), `GET /rest/conferences/{id}/mediastats` one entry per media stream (mediaType AUDIO / VIDEO /
// CONTENT, mediaDirection RX / TX, actualBitRate kbit/s, percentPacketLoss, jitter ms), and
// `DELETE /rest/session` closes the session.
import { z } from 'zod';
import type { VideoOsTarget } from '../../../shared/schemas';
import { targetLabel, type CodecCall, type MediaChannel } from '../../../shared/targets';
import { CodecFailure, codecRequest, cookieOf, statusDetail, type CodecHttpResponse } from './http';
import { CodecClient, SessionRefused, type CodecAdapter, type CodecAdapterOptions, type VendorApi } from './session';

type Target = z.infer<typeof VideoOsTarget>;

const Login = z.looseObject({
  success: z.boolean().optional(),
  session: z.looseObject({ sessionId: z.string().min(1).optional() }).optional(),
});
const SystemStatus = z.array(z.looseObject({ name: z.string(), stateList: z.array(z.string()).optional() }));
const Connection = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  state: z.string().optional(),
  address: z.string().nullish(),
  callInfo: z.string().nullish(),
});
const Conferences = z.array(
  z.looseObject({
    id: z.union([z.number(), z.string()]),
    isActive: z.boolean().optional(),
    connections: z.array(Connection).optional(),
  }),
);
const MediaStats = z.array(
  z.looseObject({
    mediaType: z.string(),
    mediaDirection: z.string(),
    actualBitRate: z.number().nullish(),
    percentPacketLoss: z.number().nullish(),
    jitter: z.number().nullish(),
  }),
);

function json<T>(res: CodecHttpResponse, schema: z.ZodType<T>, what: string): T {
  if (res.status === 401 || res.status === 403) throw new SessionRefused(res.status);
  if (res.status !== 200) throw new CodecFailure('status', statusDetail(res, what), res.status);
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new CodecFailure('protocol', `${what}: not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new CodecFailure('protocol', `${what}: unexpected shape (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

const MEDIA: Record<string, MediaChannel['media']> = { AUDIO: 'audio', VIDEO: 'video', CONTENT: 'content' };
const DIRECTION: Record<string, MediaChannel['direction']> = { RX: 'rx', TX: 'tx' };

export function videoOsApi(target: Target): VendorApi {
  const to = { host: target.host, port: target.port, verifyTls: target.verifyTls };
  const get = (path: string, cookie: string, signal: AbortSignal): Promise<CodecHttpResponse> =>
    codecRequest(to, { method: 'GET', path, headers: { cookie, accept: 'application/json' } }, signal);
  return {
    vendor: 'VideoOS',
    async login(password, signal) {
      const res = await codecRequest(
        to,
        {
          method: 'POST',
          path: '/rest/session',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ user: target.user, password }),
        },
        signal,
      );
      if (res.status === 400 || res.status === 401 || res.status === 403)
        throw new CodecFailure('auth', statusDetail(res, 'POST /rest/session'), res.status);
      if (res.status !== 200 && res.status !== 201)
        throw new CodecFailure('status', statusDetail(res, 'POST /rest/session'), res.status);
      let body: z.infer<typeof Login> = {};
      try {
        body = Login.parse(JSON.parse(res.body || '{}'));
      } catch {
        throw new CodecFailure('protocol', 'POST /rest/session: not the session document');
      }
      if (body.success === false) throw new CodecFailure('auth', 'POST /rest/session: success false', res.status);
      const id = cookieOf(res.headers, 'session_id') ?? body.session?.sessionId;
      if (!id) throw new CodecFailure('protocol', 'POST /rest/session: no session id');
      return `session_id=${id}`;
    },
    async poll(cookie, signal) {
      const status = await get('/rest/system/status', cookie, signal);
      json(status, SystemStatus, 'GET /rest/system/status');
      const conferences = json(await get('/rest/conferences', cookie, signal), Conferences, 'GET /rest/conferences');
      let live: { id: string | number; conn: z.infer<typeof Connection> } | undefined;
      for (const c of conferences) {
        const conn = c.connections?.find((k) => k.state?.toUpperCase() === 'CONNECTED');
        if (conn && c.isActive !== false) {
          live = { id: c.id, conn };
          break;
        }
      }
      if (!live) return { rtt: status.ms, call: { inCall: false, farEnd: null, channels: [] } };
      const stats = json(
        await get(`/rest/conferences/${encodeURIComponent(String(live.id))}/mediastats`, cookie, signal),
        MediaStats,
        'GET /rest/conferences/{id}/mediastats',
      );
      const channels: MediaChannel[] = [];
      for (const s of stats) {
        const media = MEDIA[s.mediaType.toUpperCase()];
        const direction = DIRECTION[s.mediaDirection.toUpperCase()];
        if (!media || !direction) continue;
        channels.push({
          media,
          direction,
          rateKbps: s.actualBitRate ?? null,
          lossPct: s.percentPacketLoss ?? null,
          jitterMs: s.jitter ?? null,
        });
      }
      const call: CodecCall = { inCall: true, farEnd: live.conn.address || live.conn.callInfo || null, channels };
      return { rtt: status.ms, call };
    },
    async logout(cookie, signal) {
      await codecRequest(to, { method: 'DELETE', path: '/rest/session', headers: { cookie } }, signal);
    },
  };
}

/** The adapter of one Poly VideoOS codec. */
export function createVideoOsAdapter(target: Target, opts: CodecAdapterOptions): CodecAdapter {
  return new CodecClient(videoOsApi(target), targetLabel(target), opts);
}
