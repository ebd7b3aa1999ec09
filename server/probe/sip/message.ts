// Building SIP OPTIONS requests and reading responses (RFC 3261 §7, §8.1.1, §11). Only what a
// liveness probe needs: the status line and the headers that match a response to its transaction.
import type { SipTransport } from '../../../shared/targets';

export const USER_AGENT = 'diemcau';
/** RFC 3261 §8.1.1.7: the magic cookie that marks an RFC 3261 branch. */
export const BRANCH_COOKIE = 'z9hG4bK';
/** Headers past this are refused: no SIP response to OPTIONS comes near it. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A body past this on a stream is refused (responses to OPTIONS may carry SDP, nothing big). */
export const MAX_BODY_BYTES = 64 * 1024;

export interface OptionsRequest {
  transport: SipTransport;
  /** The target as written (IP literal or name) and its port. */
  host: string;
  port: number;
  /** The socket's own address and port, for Via and Contact. */
  localAddress: string;
  localPort: number;
  branch: string;
  callId: string;
  fromTag: string;
  cseq: number;
}

const uriHost = (h: string): string => (h.includes(':') ? `[${h}]` : h);

export function buildOptions(r: OptionsRequest): string {
  const target = `sip:${uriHost(r.host)}:${r.port}`;
  const local = `${uriHost(r.localAddress)}:${r.localPort}`;
  const transport = r.transport.toUpperCase();
  return (
    `OPTIONS ${target} SIP/2.0\r\n` +
    // rport (RFC 3581): answer to the address and port the request came from, NAT or not.
    `Via: SIP/2.0/${transport} ${local};branch=${r.branch};rport\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:${USER_AGENT}@${uriHost(r.localAddress)}>;tag=${r.fromTag}\r\n` +
    `To: <${target}>\r\n` +
    `Call-ID: ${r.callId}\r\n` +
    `CSeq: ${r.cseq} OPTIONS\r\n` +
    `Contact: <sip:${USER_AGENT}@${local};transport=${r.transport}>\r\n` +
    'Accept: application/sdp\r\n' +
    `User-Agent: ${USER_AGENT}\r\n` +
    'Content-Length: 0\r\n\r\n'
  );
}

/** What a response says about its transaction. */
export interface SipResponse {
  code: number;
  phrase: string;
  /** The branch of the top Via, '' when absent. */
  branch: string;
  callId: string;
  cseqMethod: string;
}

// RFC 3261 §7.3.3 compact forms of the headers read here.
const COMPACT: Record<string, string> = { v: 'via', i: 'call-id', l: 'content-length' };

/** Parses the header block of a response (start line to the blank line, excluded); null when it is not one. */
export function parseResponseHead(head: string): (SipResponse & { contentLength: number | null }) | null {
  if (head.length > MAX_HEADER_BYTES) return null;
  const lines = head.split(/\r?\n/);
  const status = /^SIP\/2\.0 ([1-6]\d\d) ?([^\r\n]*)$/.exec(lines[0] ?? '');
  if (!status) return null;
  let via: string | null = null;
  let callId: string | null = null;
  let cseq: string | null = null;
  let contentLength: number | null = null;
  let last: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // Folded lines (§7.3.1) only matter when they continue a header read here.
    if (/^[ \t]/.test(line)) {
      if (last === 'via' && via !== null && !via.includes(',')) via += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    last = name;
    if (name === 'via' && via === null) via = value;
    else if (name === 'call-id' && callId === null) callId = value;
    else if (name === 'cseq' && cseq === null) cseq = value;
    else if (name === 'content-length') {
      if (!/^\d{1,9}$/.test(value)) return null;
      contentLength = Number(value);
    }
  }
  if (via === null || callId === null || cseq === null) return null;
  const cseqParts = /^\d{1,10}\s+([A-Za-z]+)$/.exec(cseq);
  if (!cseqParts) return null;
  return {
    code: Number(status[1]),
    phrase: status[2]!.trim().slice(0, 120),
    branch: topViaBranch(via),
    callId,
    cseqMethod: cseqParts[1]!.toUpperCase(),
    contentLength,
  };
}

/** The branch parameter of the first Via value (several may share one header line). */
export function topViaBranch(via: string): string {
  const first = via.split(',')[0] ?? '';
  const m = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(first);
  return m ? m[1]! : '';
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One datagram: a whole message (§18.3: the datagram bounds it; a Content-Length is not needed). */
export function parseDatagram(buf: Buffer): SipResponse | null {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== 'SIP/2.0 ') return null;
  const end = buf.indexOf(HEAD_END);
  const headBytes = end < 0 ? Math.min(buf.length, MAX_HEADER_BYTES + 1) : end;
  const parsed = parseResponseHead(buf.toString('utf8', 0, headBytes));
  if (!parsed) return null;
  const { contentLength: _ignored, ...response } = parsed;
  return response;
}

/** Stream framing (§18.3): header block, then Content-Length bytes of body. */
export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  /**
   * Adds bytes and returns the complete messages (null for a framed message that is not a response);
   * throws when the stream can no longer be framed (the caller closes the connection).
   */
  push(chunk: Buffer): (SipResponse | null)[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: (SipResponse | null)[] = [];
    for (;;) {
      // Keep-alive CRLFs (RFC 5626 §3.5.1) may sit between messages.
      let start = 0;
      while (start < this.buf.length && (this.buf[start] === 13 || this.buf[start] === 10)) start++;
      if (start > 0) this.buf = this.buf.subarray(start);
      if (this.buf.length === 0) break;
      const end = this.buf.indexOf(HEAD_END);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) throw new Error('SIP header block too large');
        break;
      }
      const head = this.buf.toString('utf8', 0, end);
      const lengthHeader = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*$/im.exec(head);
      if (!lengthHeader) throw new Error('SIP message on a stream without Content-Length');
      const bodyLength = Number(lengthHeader[1]);
      if (bodyLength > MAX_BODY_BYTES) throw new Error('SIP body too large');
      const total = end + HEAD_END.length + bodyLength;
      if (this.buf.length < total) break;
      const parsed = parseResponseHead(head);
      if (parsed) {
        const { contentLength: _ignored, ...response } = parsed;
        out.push(response);
      } else out.push(null);
      this.buf = this.buf.subarray(total);
    }
    return out;
  }
}
