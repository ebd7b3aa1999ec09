// A simulator of a Poly VideoOS codec's REST API (G7500 / Studio X), written from the "Poly VideoOS REST
// API Reference Guide" (VideoOS 3.x / 4.x), not a Poly unit (none can run here). The subset a monitor
// uses: POST /rest/session { user, password } → { success, session: { sessionId } } and a `session_id`
// cookie; DELETE /rest/session; GET /rest/system/status; GET /rest/conferences (connections with state
// and address); GET /rest/conferences/{id}/mediastats (mediaType, mediaDirection, actualBitRate kbit/s,
// percentPacketLoss, jitter ms). A request without a live session is refused with 403, as the units do.
import { HttpsSimulator, newSessionId, sendJson, type SimRequest } from './https-sim';
import type { ServerResponse } from 'node:http';

export interface SimChannel {
  media: 'audio' | 'video' | 'content';
  direction: 'rx' | 'tx';
  rateKbps: number;
  lossPct: number;
  jitterMs: number;
}

const statusItem = (name: string, state: string) => ({ langtag: name.toUpperCase(), name, stateList: [state] });

export class VideoOsSimulator {
  user: string;
  password: string;
  /** The far end's address while in a call; null: not in a call. */
  farEnd: string | null = null;
  channels: SimChannel[] = [];
  /** POST /rest/session attempts, accepted or not. */
  loginAttempts = 0;
  logins = 0;
  logouts = 0;
  /** Status of a request with an unknown or expired session. */
  refusalStatus = 403;
  readonly sessions = new Set<string>();
  readonly http: HttpsSimulator;

  constructor(opts: { user: string; password: string; host?: string }) {
    this.user = opts.user;
    this.password = opts.password;
    this.http = new HttpsSimulator((req, res) => this.handle(req, res), opts.host);
  }

  get address(): { host: string; port: number } {
    return this.http.address;
  }

  /** The codec forgets every session (a restart, or its idle timeout). */
  expireSessions(): void {
    this.sessions.clear();
  }

  inCall(farEnd: string, channels: SimChannel[]): void {
    this.farEnd = farEnd;
    this.channels = channels;
  }

  hangUp(): void {
    this.farEnd = null;
    this.channels = [];
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private handle(req: SimRequest, res: ServerResponse): void {
    if (req.path === '/rest/session' && req.method === 'POST') return this.login(req, res);
    const session = req.cookies.session_id;
    if (session === undefined || !this.sessions.has(session))
      return sendJson(res, this.refusalStatus, { success: false, reason: 'session expired or not authenticated' });
    if (req.path === '/rest/session' && req.method === 'DELETE') {
      this.sessions.delete(session);
      this.logouts++;
      return sendJson(res, 200, { success: true });
    }
    if (req.method !== 'GET') return sendJson(res, 405, {});
    if (req.path === '/rest/system/status') {
      return sendJson(res, 200, [
        statusItem('system.status.ipnetwork', 'up'),
        statusItem('system.status.sipserver', 'up'),
        statusItem('system.status.mr.camera', 'all_up'),
        statusItem('system.status.mr.audio', 'all_up'),
      ]);
    }
    if (req.path === '/rest/conferences') {
      if (this.farEnd === null) return sendJson(res, 200, []);
      return sendJson(res, 200, [
        {
          id: 0,
          isActive: true,
          startTime: Date.now() - 60_000,
          connections: [
            { id: 1, address: this.farEnd, callInfo: this.farEnd, callType: 'VIDEO', state: 'CONNECTED', rate: 1920 },
          ],
          terminals: [{ address: this.farEnd, systemID: 'RMX' }],
        },
      ]);
    }
    if (req.path === '/rest/conferences/0/mediastats' && this.farEnd !== null) {
      return sendJson(
        res,
        200,
        this.channels.map((c) => ({
          mediaType: c.media.toUpperCase(),
          mediaDirection: c.direction.toUpperCase(),
          mediaAlgorithm: c.media === 'audio' ? 'G.722.1C' : 'H.264',
          actualBitRate: c.rateKbps,
          jitter: c.jitterMs,
          percentPacketLoss: c.lossPct,
          packetLoss: Math.round(c.lossPct * 10),
        })),
      );
    }
    sendJson(res, 404, { success: false });
  }

  private login(req: SimRequest, res: ServerResponse): void {
    this.loginAttempts++;
    let body: { user?: unknown; password?: unknown } = {};
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return sendJson(res, 400, { success: false });
    }
    if (body.user !== this.user || body.password !== this.password)
      return sendJson(res, 401, { success: false, reason: 'Invalid credentials' });
    this.logins++;
    const sessionId = newSessionId();
    this.sessions.add(sessionId);
    sendJson(
      res,
      200,
      { success: true, session: { sessionId, userId: this.user, role: 'ADMIN', isAuthenticated: true } },
      { 'set-cookie': `session_id=${sessionId}; Path=/; Secure; HttpOnly` },
    );
  }
}
