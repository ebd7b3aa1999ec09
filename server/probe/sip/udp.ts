// One UDP socket per address family, shared by every UDP probe: responses are told apart by their
// Via branch and Call-ID, not by the socket (docs/probes/sip.md SIP8).
import dgram from 'node:dgram';
import net from 'node:net';
import { parseDatagram, type SipResponse } from './message';

type Family = 'udp4' | 'udp6';

const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpSockets {
  private readonly sockets = new Map<Family, Promise<dgram.Socket>>();
  /** Source address the kernel picks towards each destination (for Via), learnt once. */
  private readonly sources = new Map<string, Promise<string>>();
  private closed = false;

  constructor(
    private readonly onResponse: (r: SipResponse | null) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** The shared socket of the address's family, bound on first use. */
  socket(address: string): Promise<dgram.Socket> {
    if (this.closed) return Promise.reject(new Error('engine closed'));
    const family: Family = net.isIPv6(address) ? 'udp6' : 'udp4';
    let s = this.sockets.get(family);
    if (!s) {
      s = new Promise<dgram.Socket>((resolve, reject) => {
        const sock = dgram.createSocket({ type: family, ipv6Only: family === 'udp6' });
        sock.on('message', (msg) => this.onResponse(parseDatagram(msg)));
        sock.once('error', reject);
        sock.bind(0, () => {
          sock.off('error', reject);
          // Thousands of answers a second arrive on this one socket: a larger queue rides out a busy loop.
          try {
            sock.setRecvBufferSize(RECV_BUFFER_BYTES);
          } catch {
            // The kernel keeps its default (net.core.rmem_max caps the request anyway).
          }
          // Later errors (a send to a bad address) must not crash: the probe itself sees its send fail.
          sock.on('error', (err) => this.onError(err));
          resolve(sock);
        });
      });
      s.catch(() => this.sockets.delete(family));
      this.sockets.set(family, s);
    }
    return s;
  }

  /** The local address that packets to `address` leave from (a connected throw-away socket tells). */
  sourceFor(address: string): Promise<string> {
    let p = this.sources.get(address);
    if (!p) {
      p = new Promise<string>((resolve, reject) => {
        const probe = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
        probe.once('error', (err) => {
          probe.close();
          reject(err);
        });
        probe.connect(9, address, () => {
          const local = probe.address().address;
          probe.close();
          resolve(local);
        });
      });
      p.catch(() => this.sources.delete(address));
      if (this.sources.size > 10_000) this.sources.clear(); // bounded: relearnt on demand
      this.sources.set(address, p);
    }
    return p;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sockets.values()];
    this.sockets.clear();
    this.sources.clear();
    await Promise.all(
      all.map((s) =>
        s.then(
          (sock) => new Promise<void>((resolve) => sock.close(() => resolve())),
          () => undefined,
        ),
      ),
    );
  }
}
