// A self-signed certificate for the codec simulators, made with openssl at test time, as a codec ships
// one out of the box. Nothing is kept in the repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  key: string;
  cert: string;
}

/** A fresh key and certificate for `ip` (CN and subjectAltName), valid one day. */
export function selfSignedCert(ip = '127.0.0.1'): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'diemcau-codec-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${ip}`].concat([
        '-addext',
        `subjectAltName=IP:${ip}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore', timeout: 20_000 },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
