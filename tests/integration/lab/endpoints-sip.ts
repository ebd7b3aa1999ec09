// A few lines of SIP for the endpoint tests: one OPTIONS over UDP from the root namespace, retransmitted
// on RFC 3261's schedule (500 ms, 1 s, 2 s …) until a final response with our branch and Call-ID comes
// back or the timeout passes. Not the monitor's probe engine (the tests must not depend on it).
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

export interface SipAnswer {
  code: number;
  reason: string;
  /** From the first send to the final response. */
  ms: number;
  /** The response's Server header, when it has one. */
  server: string | null;
}

/** Resolves with the final response, or null when none came within `timeoutMs`. */
export function sipOptions(host: string, port = 5060, timeoutMs = 3000): Promise<SipAnswer | null> {
  const socket = createSocket('udp4');
  const branch = `z9hG4bK-${randomBytes(6).toString('hex')}`;
  const callId = `${randomBytes(8).toString('hex')}@diemcau-test`;
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let t0 = 0;
    const done = (answer: SipAnswer | null): void => {
      timers.forEach(clearTimeout);
      socket.close();
      resolve(answer);
    };
    socket.on('error', () => undefined); // an ICMP port unreachable is no answer either
    socket.on('message', (buf) => {
      const text = buf.toString('utf8');
      const status = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)/.exec(text);
      const header = (name: string): string | null =>
        new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text)?.[1]?.trim() ?? null;
      if (!status || !header('Via')?.includes(branch) || header('Call-ID') !== callId) return;
      const code = Number(status[1]);
      if (code < 200) return; // provisional: wait for the final one
      done({ code, reason: status[2]!, ms: Date.now() - t0, server: header('Server') });
    });
    socket.bind(0, '0.0.0.0', () => {
      const localPort = socket.address().port;
      const message = [
        `OPTIONS sip:${host}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 0.0.0.0:${localPort};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:diemcau@invalid>;tag=${randomBytes(4).toString('hex')}`,
        `To: <sip:${host}:${port}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
        'Accept: application/sdp',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const send = (): void => socket.send(message, port, host, () => undefined);
      t0 = Date.now();
      send();
      for (let at = 500, gap = 500; at < timeoutMs; gap = Math.min(gap * 2, 4000), at += gap) {
        timers.push(setTimeout(send, at));
      }
      timers.push(setTimeout(() => done(null), timeoutMs));
    });
  });
}

/** Polls until `check` holds (or throws after `timeoutMs`): no fixed sleeps in the tests. */
export async function eventually<T>(check: () => Promise<T | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
