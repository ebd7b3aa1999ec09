// One TCP or TLS connection to a SIP target, reused by every probe of that target (RFC 3261 §18:
// responses come back on the connection the request went out on). It reconnects lazily: a probe
// that finds it closed opens a new one.
import net from 'node:net';
import tls from 'node:tls';
import { failureOf, type Failure } from './errors';
import { StreamFramer, type SipResponse } from './message';

export interface StreamPeer {
  transport: 'tcp' | 'tls';
  /** The resolved address and port. */
  address: string;
  port: number;
  /** The name as written (TLS SNI when it is a name). */
  host: string;
  verifyTls: boolean;
}

export interface StreamEvents {
  onResponse(r: SipResponse | null): void;
  /** The connection is gone (with what cut it, or null for an orderly close). */
  onClose(conn: SipStream, why: Failure | null): void;
}

export class SipStream {
  private socket: net.Socket | null = null;
  private connecting: Promise<void> | null = null;
  private open = false;
  localAddress = '';
  localPort = 0;

  constructor(
    readonly peer: StreamPeer,
    private readonly events: StreamEvents,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Resolves once the connection (and the TLS handshake) is up; rejects with a Failure. */
  connect(timeoutMs: number): Promise<void> {
    if (this.open) return Promise.resolve();
    if (this.connecting) return this.connecting;
    const p = this.peer;
    this.connecting = new Promise<void>((resolve, reject) => {
      const framer = new StreamFramer();
      let phase: 'connect' | 'tls' | 'open' = 'connect';
      const socket =
        p.transport === 'tls'
          ? tls.connect({
              host: p.address,
              port: p.port,
              servername: net.isIP(p.host) ? undefined : p.host,
              // Codecs and registrars ship self-signed certificates (docs/probes/sip.md SIP7).
              rejectUnauthorized: p.verifyTls,
            })
          : net.connect({ host: p.address, port: p.port });
      socket.setNoDelay(true);
      this.socket = socket;
      const timer = setTimeout(() => {
        fail({ reason: 'timeout', detail: phase === 'tls' ? 'TLS handshake timed out' : 'connect timed out' });
      }, timeoutMs);
      let settled = false;
      const fail = (f: Failure): void => {
        clearTimeout(timer);
        socket.destroy();
        if (!settled) {
          settled = true;
          this.connecting = null;
          this.socket = null;
          reject(f);
        }
      };
      const ready = (): void => {
        clearTimeout(timer);
        phase = 'open';
        settled = true;
        this.open = true;
        this.connecting = null;
        this.localAddress = socket.localAddress ?? '';
        this.localPort = socket.localPort ?? 0;
        resolve();
      };
      if (p.transport === 'tls') {
        socket.once('connect', () => (phase = 'tls'));
        socket.once('secureConnect', ready);
      } else socket.once('connect', ready);
      socket.on('data', (chunk: Buffer) => {
        let messages: (SipResponse | null)[];
        try {
          messages = framer.push(chunk);
        } catch (err) {
          this.drop(socket, { reason: 'protocol', detail: (err as Error).message });
          return;
        }
        for (const m of messages) this.events.onResponse(m);
      });
      socket.on('error', (err) => {
        if (!settled) fail(failureOf(err, phase));
        else this.drop(socket, failureOf(err, 'open'));
      });
      socket.on('close', () => {
        if (!settled) fail({ reason: 'reset', detail: 'connection closed' });
        else this.drop(socket, null);
      });
    });
    return this.connecting;
  }

  /** Sends bytes on the open connection; false when it is not open. */
  write(data: string): boolean {
    if (!this.open || !this.socket) return false;
    this.socket.write(data);
    return true;
  }

  close(): void {
    if (this.socket) this.drop(this.socket, null);
  }

  private drop(socket: net.Socket, why: Failure | null): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.open = false;
    socket.destroy();
    this.events.onClose(this, why);
  }
}
