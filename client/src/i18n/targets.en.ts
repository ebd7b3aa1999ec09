// A point's targets in English: the keys of targets.vi.ts.
import type { targetsVi } from './targets.vi';

export const targetsEn: typeof targetsVi = {
  title: 'Lines and endpoint',
  role: { primary: 'Primary line', backup: 'Backup line', endpoint: 'Endpoint' },
  line: 'Line',
  endpoint: 'Endpoint',
  endpointDown: 'Endpoint not answering',
  endpointDownHint: 'The line is up; the room’s endpoint (codec) does not answer — call the room.',
  inCall: 'In the call',
  notInCall: 'Not in the call',
  reachable: 'Reachable',
  farEnd: 'Far end',
  code: (c) => `code ${c}`,
  certExpires: (d) => `certificate expires ${d}`,
  media: { video: 'Video', audio: 'Audio', content: 'Content' },
  mediaLine: (media, rate, loss, jitter) => `${media}: ${rate}, loss ${loss}, jitter ${jitter}`,
  reason: {
    timeout: 'no answer (timed out)',
    unreachable: 'unreachable (network error)',
    refused: 'port refused (nothing listening)',
    reset: 'connection reset',
    dns: 'name does not resolve',
    tls: 'TLS handshake failed',
    'cert-expired': 'certificate expired',
    status: 'error status',
    unavailable: 'unavailable (503)',
    auth: 'wrong codec credentials',
    secret: 'codec password missing (environment / secrets file)',
    protocol: 'protocol error',
    error: 'error',
  },
};
