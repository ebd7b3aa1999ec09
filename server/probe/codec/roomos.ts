// Cisco RoomOS xAPI over HTTPS, as the "Cisco RoomOS API Reference Guide" (RoomOS 11.x; CE 9.x reads
// the same) describes it: `POST /xmlapi/session/begin` with Basic auth opens a session (cookie
// `SessionId`), `GET /getxml?location=/Status/Call` and `/Status/MediaChannels` read the status as XML,
// `POST /xmlapi/session/end` closes it. Basic auth on every request is served at 1 request/s (30 queued,
// then 503), a session at 15/s: hence the session, reused between polls.
import type { z } from 'zod';
import type { RoomOsTarget } from '../../../shared/schemas';
import type { CodecCall, MediaChannel } from '../../../shared/targets';
import { targetLabel } from '../../../shared/targets';
import { CodecFailure, codecRequest, cookieOf, statusDetail, type CodecHttpResponse } from './http';
import { CodecClient, SessionRefused, type CodecAdapter, type CodecAdapterOptions, type VendorApi } from './session';
import { childrenOf, parseXml, textAt, type XmlElement } from './xml';

type Target = z.infer<typeof RoomOsTarget>;

/** `Status` of a call that carries media; Dialling, Ringing, Connecting, Disconnecting, OnHold… do not. */
const CONNECTED = 'connected';

function statusDoc(res: CodecHttpResponse, what: string): XmlElement {
  if (res.status === 401 || res.status === 403) throw new SessionRefused(res.status);
  if (res.status !== 200) throw new CodecFailure('status', statusDetail(res, what), res.status);
  let root: XmlElement;
  try {
    root = parseXml(res.body);
  } catch (err) {
    throw new CodecFailure('protocol', `${what}: not XML (${(err as Error).message})`);
  }
  if (root.name !== 'Status') throw new CodecFailure('protocol', `${what}: root <${root.name}>, not <Status>`);
  return root;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/** One MediaChannels Call Channel: Direction Incoming/Outgoing, Type Audio/Video/Data, Netstat figures. */
function channelOf(ch: XmlElement): MediaChannel | null {
  const type = textAt(ch, 'Type')?.toLowerCase();
  const dir = textAt(ch, 'Direction')?.toLowerCase();
  if ((type !== 'audio' && type !== 'video') || (dir !== 'incoming' && dir !== 'outgoing')) return null;
  const presentation = textAt(ch, 'Video', 'ChannelRole')?.toLowerCase() === 'presentation';
  const rateBps = num(textAt(ch, 'Netstat', 'ChannelRate'));
  // Netstat Loss counts packets since the call began; the last interval (LastIntervalLost / Received)
  // tells what is happening now.
  const lost = num(textAt(ch, 'Netstat', 'LastIntervalLost'));
  const received = num(textAt(ch, 'Netstat', 'LastIntervalReceived'));
  const total = (lost ?? 0) + (received ?? 0);
  return {
    media: type === 'audio' ? 'audio' : presentation ? 'content' : 'video',
    direction: dir === 'incoming' ? 'rx' : 'tx',
    rateKbps: rateBps === null ? null : Math.round(rateBps / 1000),
    lossPct: lost === null || total <= 0 ? null : Math.round((lost / total) * 1000) / 10,
    jitterMs: num(textAt(ch, 'Netstat', 'Jitter')),
  };
}

export function roomOsApi(target: Target): VendorApi {
  const to = { host: target.host, port: target.port, verifyTls: target.verifyTls };
  const get = (location: string, cookie: string, signal: AbortSignal): Promise<CodecHttpResponse> =>
    codecRequest(
      to,
      { method: 'GET', path: `/getxml?location=${encodeURIComponent(location)}`, headers: { cookie } },
      signal,
    );
  return {
    vendor: 'RoomOS',
    async login(password, signal) {
      const basic = Buffer.from(`${target.user}:${password}`).toString('base64');
      const res = await codecRequest(
        to,
        { method: 'POST', path: '/xmlapi/session/begin', headers: { authorization: `Basic ${basic}` } },
        signal,
      );
      if (res.status === 401 || res.status === 403)
        throw new CodecFailure('auth', statusDetail(res, 'session/begin'), res.status);
      if (res.status !== 200 && res.status !== 204)
        throw new CodecFailure('status', statusDetail(res, 'session/begin'), res.status);
      const id = cookieOf(res.headers, 'SessionId');
      if (!id) throw new CodecFailure('protocol', 'session/begin: no SessionId cookie');
      return `SessionId=${id}`;
    },
    async poll(cookie, signal) {
      const res = await get('/Status/Call', cookie, signal);
      const calls = childrenOf(statusDoc(res, 'Status/Call'), 'Call');
      const live = calls.find((c) => textAt(c, 'Status')?.toLowerCase() === CONNECTED);
      if (!live) return { rtt: res.ms, call: { inCall: false, farEnd: null, channels: [] } };
      const farEnd = textAt(live, 'RemoteNumber') || textAt(live, 'CallbackNumber') || textAt(live, 'DisplayName');
      const media = statusDoc(await get('/Status/MediaChannels', cookie, signal), 'Status/MediaChannels');
      const mcCalls = childrenOf(childrenOf(media, 'MediaChannels')[0], 'Call');
      const mine = mcCalls.find((c) => c.attrs.item === live.attrs.item) ?? mcCalls[0];
      const channels = childrenOf(mine, 'Channel')
        .map(channelOf)
        .filter((c): c is MediaChannel => c !== null);
      const call: CodecCall = { inCall: true, farEnd: farEnd || null, channels };
      return { rtt: res.ms, call };
    },
    async logout(cookie, signal) {
      await codecRequest(to, { method: 'POST', path: '/xmlapi/session/end', headers: { cookie } }, signal);
    },
  };
}

/** The adapter of one Cisco RoomOS codec. */
export function createRoomOsAdapter(target: Target, opts: CodecAdapterOptions): CodecAdapter {
  return new CodecClient(roomOsApi(target), targetLabel(target), opts);
}
