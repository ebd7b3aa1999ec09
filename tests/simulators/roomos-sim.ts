// A simulator of a Cisco RoomOS codec's xAPI over HTTPS, written from the "Cisco RoomOS API Reference
// Guide" (RoomOS 11.x), not a Cisco unit (none can run here). The subset a monitor uses:
// POST /xmlapi/session/begin with Basic auth → 204 and a `SessionId` cookie; POST /xmlapi/session/end;
// GET /getxml?location=/Status/Call and /Status/MediaChannels as XML (Call[n] Status, RemoteNumber,
// DisplayName; MediaChannels Call[n] Channel[n] Direction, Type, Video ChannelRole, Netstat ChannelRate
// bit/s, Jitter ms, LastIntervalLost / LastIntervalReceived, Loss). Rate limits as the guide gives them:
// Basic auth per request is served at 1 request/s with 30 waiting at most (503 beyond), a session
// cookie at 15 requests/s (503 beyond).
import type { ServerResponse } from 'node:http';
import { HttpsSimulator, newSessionId, type SimRequest } from './https-sim';
import type { SimChannel } from './videoos-sim';

export type { SimChannel };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name: string, inner: string, attrs = ''): string => `<${name}${attrs}>${inner}</${name}>`;
const CALL_ID = 4;

export class RoomOsSimulator {
  user: string;
  password: string;
  farEnd: string | null = null;
  /** Status of the call while `farEnd` is set: Connected, or Dialling / Ringing / Connecting. */
  callStatus = 'Connected';
  channels: SimChannel[] = [];
  loginAttempts = 0;
  logins = 0;
  logouts = 0;
  /** Requests answered 503 by the rate limits. */
  rejected503 = 0;
  basicAuthRequests = 0;
  readonly sessions = new Set<string>();
  readonly http: HttpsSimulator;
  private basicWaiting = 0;
  private nextBasicSlot = 0;
  private readonly cookieTimes: number[] = [];
  private readonly waits = new Map<NodeJS.Timeout, () => void>();

  constructor(opts: { user: string; password: string; host?: string }) {
    this.user = opts.user;
    this.password = opts.password;
    this.http = new HttpsSimulator((req, res) => this.handle(req, res), opts.host);
  }

  get address(): { host: string; port: number } {
    return this.http.address;
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  inCall(farEnd: string, channels: SimChannel[]): void {
    this.farEnd = farEnd;
    this.channels = channels;
    this.callStatus = 'Connected';
  }

  hangUp(): void {
    this.farEnd = null;
    this.channels = [];
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    for (const [t, wake] of this.waits) {
      clearTimeout(t);
      wake();
    }
    this.waits.clear();
    return this.http.stop();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waits.delete(t);
        resolve();
      }, ms);
      this.waits.set(t, resolve);
    });
  }

  private async handle(req: SimRequest, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      // 1 request/s, 30 waiting: the 31st waiting request is turned away.
      if (this.basicWaiting >= 30) return this.unavailable(res);
      this.basicAuthRequests++;
      const now = Date.now();
      const slot = Math.max(now, this.nextBasicSlot);
      this.nextBasicSlot = slot + 1000;
      this.basicWaiting++;
      await this.wait(slot - now);
      this.basicWaiting--;
      if (res.destroyed) return;
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      const good = user === this.user && rest.join(':') === this.password;
      if (req.method === 'POST' && req.path === '/xmlapi/session/begin') {
        this.loginAttempts++;
        if (!good) return this.unauthorized(res);
        this.logins++;
        const id = newSessionId();
        this.sessions.add(id);
        res.writeHead(204, { 'set-cookie': `SessionId=${id}; Path=/; Secure; HttpOnly` }).end();
        return;
      }
      if (!good) return this.unauthorized(res);
      return this.answer(req, res);
    }
    const session = req.cookies.SessionId;
    if (session === undefined || !this.sessions.has(session)) return this.unauthorized(res);
    const now = Date.now();
    while (this.cookieTimes.length > 0 && this.cookieTimes[0]! <= now - 1000) this.cookieTimes.shift();
    if (this.cookieTimes.length >= 15) return this.unavailable(res);
    this.cookieTimes.push(now);
    if (req.method === 'POST' && req.path === '/xmlapi/session/end') {
      this.sessions.delete(session);
      this.logouts++;
      res.writeHead(204).end();
      return;
    }
    this.answer(req, res);
  }

  private unauthorized(res: ServerResponse): void {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="RoomOS"' }).end();
  }

  private unavailable(res: ServerResponse): void {
    this.rejected503++;
    res.writeHead(503, { 'retry-after': '1' }).end();
  }

  private answer(req: SimRequest, res: ServerResponse): void {
    if (req.method !== 'GET' || req.path !== '/getxml') return void res.writeHead(404).end();
    const location = req.query.get('location');
    let body: string;
    if (location === '/Status/Call') body = this.callXml();
    else if (location === '/Status/MediaChannels') body = this.mediaXml();
    else return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<?xml version="1.0"?>\n<Status product="Cisco Codec" version="ce11.14.2.3" apiVersion="4">${body}</Status>\n`,
    );
  }

  private callXml(): string {
    if (this.farEnd === null) return '';
    const inner = [
      el('AnswerState', 'Answered'),
      el('CallType', 'Video'),
      el('CallbackNumber', esc(this.farEnd)),
      el('DeviceType', 'MCU'),
      el('Direction', 'Outgoing'),
      el('DisplayName', 'MCU Tỉnh'),
      el('Duration', '120'),
      el('Protocol', 'Sip'),
      el('ReceiveCallRate', '1920'),
      el('RemoteNumber', esc(this.farEnd.replace(/^sip:/, ''))),
      el('Status', this.callStatus),
      el('TransmitCallRate', '1920'),
    ].join('');
    return el('Call', inner, ` item="${CALL_ID}" maxOccurrence="n"`);
  }

  private mediaXml(): string {
    if (this.farEnd === null) return el('MediaChannels', '');
    const channels = this.channels.map((c, i) => {
      const received = 500;
      const lost = Math.round((c.lossPct / (100 - c.lossPct)) * received);
      const netstat = el(
        'Netstat',
        [
          el('Bytes', String(c.rateKbps * 125 * 60)),
          el('ChannelRate', String(c.rateKbps * 1000)),
          el('Jitter', String(c.jitterMs)),
          el('LastIntervalLost', String(lost)),
          el('LastIntervalReceived', String(received)),
          el('Loss', String(lost * 12)),
          el('MaxJitter', String(c.jitterMs * 2)),
          el('Packets', String(received * 12)),
        ].join(''),
      );
      const type = c.media === 'audio' ? 'Audio' : 'Video';
      const detail =
        c.media === 'audio'
          ? el('Audio', el('Channels', '1') + el('Protocol', 'AACLD'))
          : el('Video', el('ChannelRole', c.media === 'content' ? 'Presentation' : 'Main') + el('Protocol', 'H264'));
      return el(
        'Channel',
        el('Direction', c.direction === 'rx' ? 'Incoming' : 'Outgoing') + el('Type', type) + detail + netstat,
        ` item="${300 + i}" maxOccurrence="n"`,
      );
    });
    return el('MediaChannels', el('Call', channels.join(''), ` item="${CALL_ID}" maxOccurrence="n"`));
  }
}
