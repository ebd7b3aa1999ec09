// Building OPTIONS requests and reading responses: datagrams, stream framing, hostile input.
import { describe, expect, it } from 'vitest';
import {
  buildOptions,
  MAX_HEADER_BYTES,
  parseDatagram,
  parseResponseHead,
  StreamFramer,
  topViaBranch,
} from '../../../server/probe/sip/message';

const req = {
  transport: 'udp' as const,
  host: '10.1.2.3',
  port: 5060,
  localAddress: '10.9.9.9',
  localPort: 40000,
  branch: 'z9hG4bKabc1',
  callId: 'c1@diemcau',
  fromTag: 't1',
  cseq: 7,
};

const response = (code: string, extra = '', body = ''): string =>
  `SIP/2.0 ${code}\r\nVia: SIP/2.0/UDP 10.9.9.9:40000;branch=z9hG4bKabc1;rport=40000\r\n` +
  `From: <sip:diemcau@10.9.9.9>;tag=t1\r\nTo: <sip:10.1.2.3:5060>;tag=x\r\nCall-ID: c1@diemcau\r\n` +
  `CSeq: 7 OPTIONS\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('SIP messages', () => {
  it('[SIP1] builds an RFC 3261 OPTIONS request with every mandatory header', () => {
    const m = buildOptions(req);
    expect(m.startsWith('OPTIONS sip:10.1.2.3:5060 SIP/2.0\r\n')).toBe(true);
    expect(m).toContain('\r\nVia: SIP/2.0/UDP 10.9.9.9:40000;branch=z9hG4bKabc1;rport\r\n');
    expect(m).toContain('\r\nMax-Forwards: 70\r\n');
    expect(m).toContain('\r\nFrom: <sip:diemcau@10.9.9.9>;tag=t1\r\n');
    expect(m).toContain('\r\nTo: <sip:10.1.2.3:5060>\r\n');
    expect(m).toContain('\r\nCall-ID: c1@diemcau\r\n');
    expect(m).toContain('\r\nCSeq: 7 OPTIONS\r\n');
    expect(m).toContain('\r\nContact: <sip:diemcau@10.9.9.9:40000;transport=udp>\r\n');
    expect(m).toContain('\r\nUser-Agent: diemcau\r\n');
    expect(m.endsWith('\r\nContent-Length: 0\r\n\r\n')).toBe(true);
  });

  it('[SIP1] brackets IPv6 literals and names the transport in Via', () => {
    const m = buildOptions({ ...req, transport: 'tls', host: '2001:db8::1', localAddress: '::1' });
    expect(m.startsWith('OPTIONS sip:[2001:db8::1]:5060 SIP/2.0\r\n')).toBe(true);
    expect(m).toContain('Via: SIP/2.0/TLS [::1]:40000;');
  });

  it('[SIP6] reads code, phrase, top Via branch, Call-ID and CSeq method, compact forms included', () => {
    expect(parseDatagram(Buffer.from(response('404 Not Found')))).toEqual({
      code: 404,
      phrase: 'Not Found',
      branch: 'z9hG4bKabc1',
      callId: 'c1@diemcau',
      cseqMethod: 'OPTIONS',
    });
    const compact =
      'SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a:1;branch=z9hG4bKq, SIP/2.0/UDP b:2;branch=z9hG4bKr\r\ni: k@x\r\nCSeq: 1 options\r\nl: 0\r\n\r\n';
    expect(parseDatagram(Buffer.from(compact))).toMatchObject({
      branch: 'z9hG4bKq',
      callId: 'k@x',
      cseqMethod: 'OPTIONS',
    });
    expect(topViaBranch('SIP/2.0/UDP h:1 ; branch = z9hG4bKsp ;rport')).toBe('z9hG4bKsp');
  });

  it('[SIP6] refuses garbage, requests, missing headers and oversized headers without throwing', () => {
    const bad = [
      '',
      'hello',
      'OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n',
      'SIP/2.0 99 Low\r\n\r\n',
      'SIP/2.0 200 OK\r\nCall-ID: a\r\nCSeq: 1 OPTIONS\r\n\r\n', // no Via
      response('200 OK').replace('CSeq: 7 OPTIONS', 'CSeq: seven'),
      'SIP/2.0 200 OK\r\nno colon here\r\n\r\n',
      'SIP/2.0 200 OK\r\nX: ' + 'a'.repeat(MAX_HEADER_BYTES) + '\r\n\r\n',
    ];
    for (const b of bad) expect(parseDatagram(Buffer.from(b))).toBeNull();
    expect(parseResponseHead('\u0000\u0001\u0002')).toBeNull();
    // A 64 KiB datagram of random bytes.
    const noise = Buffer.alloc(65_507, 0);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 256;
    noise.write('SIP/2.0 ');
    expect(parseDatagram(noise)).toBeNull();
  });

  it('[SIP6] frames a TCP stream by Content-Length across partial chunks, keep-alives and bodies', () => {
    const f = new StreamFramer();
    const a = response('200 OK', 'Content-Type: application/sdp\r\n', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n');
    const b = response('486 Busy Here');
    const all = Buffer.from('\r\n\r\n' + a + b);
    const got: (number | undefined)[] = [];
    for (let i = 0; i < all.length; i += 13) for (const m of f.push(all.subarray(i, i + 13))) got.push(m?.code);
    expect(got).toEqual([200, 486]);
    // A framed message that is not a response yields null and framing goes on.
    expect(f.push(Buffer.from('OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n' + b)).map((m) => m?.code)).toEqual([
      undefined,
      486,
    ]);
  });

  it('[SIP6] a stream that cannot be framed throws (the connection is dropped)', () => {
    expect(() => new StreamFramer().push(Buffer.from('SIP/2.0 200 OK\r\nVia: x\r\n\r\n'))).toThrow(/Content-Length/);
    expect(() => new StreamFramer().push(Buffer.alloc(MAX_HEADER_BYTES + 10, 65))).toThrow(/too large/);
    expect(() => new StreamFramer().push(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n'))).toThrow(
      /too large/,
    );
  });
});
