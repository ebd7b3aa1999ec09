// Certificates for the https listeners of the http engine tests, made at test time with openssl:
// a current self-signed one, one already expired and one not yet valid (openssl 3.0's `req -x509`
// cannot backdate, so the last two are self-signed through `openssl ca -selfsign` with explicit dates).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertPair {
  key: string;
  cert: string;
}

const openssl = (...args: string[]): void => {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

export function currentCert(dir: string, days = 30): CertPair {
  const key = join(dir, 'current.key');
  const cert = join(dir, 'current.pem');
  openssl(
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', String(days), '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ); // prettier-ignore
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** A self-signed certificate valid from `start` to `end` (openssl's YYYYMMDDHHMMSSZ). */
export function datedCert(dir: string, name: string, start: string, end: string): CertPair {
  const ca = join(dir, `${name}-ca`);
  execFileSync('mkdir', ['-p', ca]);
  writeFileSync(join(ca, 'index.txt'), '');
  writeFileSync(join(ca, 'serial'), '1000\n');
  const conf = join(ca, 'ca.cnf');
  writeFileSync(
    conf,
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `dir = ${ca}`,
      `database = ${ca}/index.txt`,
      `new_certs_dir = ${ca}`,
      `serial = ${ca}/serial`,
      'default_md = sha256',
      'policy = p',
      'unique_subject = no',
      '[p]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  openssl(
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/CN=${name}`,
  ); // prettier-ignore
  openssl(
    'ca', '-batch', '-notext', '-config', conf, '-selfsign', '-keyfile', key, '-in', csr, '-out', cert,
    '-startdate', start, '-enddate', end,
  ); // prettier-ignore
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}
