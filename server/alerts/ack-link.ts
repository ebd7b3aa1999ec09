// [AL24] The acknowledgement link in a message: `{baseUrl}/ack/{token}`, the token naming one delivery
// and signed with the server's key (HMAC-SHA256, kept in the database, server/store/sqlite-alerts.ts
// ackKey). It needs no login and can do one thing only: acknowledge that delivery's incident, once.
// It is no session, no display cookie, no bearer token: every other route refuses it (they never
// read it), and its purpose is inside the signature, so no other signed value of ours passes for it.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'a1';
const TOKEN = /^a1\.([1-9]\d{0,14})\.([A-Za-z0-9_-]{43})$/;

const mac = (key: Buffer, delivery: number): string =>
  createHmac('sha256', key).update(`diemcau:alert-ack:v1:${delivery}`, 'utf8').digest('base64url');

export function signAckToken(key: Buffer, delivery: number): string {
  return `${PREFIX}.${delivery}.${mac(key, delivery)}`;
}

/** The delivery a token names, or null when it is not one of ours (malformed, forged, another key). */
export function verifyAckToken(key: Buffer, token: string): number | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const delivery = Number(m[1]);
  const want = Buffer.from(mac(key, delivery));
  const got = Buffer.from(m[2]!);
  return want.length === got.length && timingSafeEqual(want, got) ? delivery : null;
}

export function ackLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/ack/${token}`;
}
