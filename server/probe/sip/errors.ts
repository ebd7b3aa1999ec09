// Socket errors as probe reasons (shared/targets.ts PROBE_REASONS).
import type { ProbeReason } from '../../../shared/targets';

export interface Failure {
  reason: ProbeReason;
  detail: string;
}

export function failureOf(err: unknown, phase: 'connect' | 'tls' | 'open' = 'open'): Failure {
  const e = err as NodeJS.ErrnoException & { library?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const detail = code || (e instanceof Error ? e.message : String(err)).slice(0, 200);
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'refused', detail };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: phase === 'tls' ? 'tls' : 'reset', detail };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return { reason: 'unreachable', detail };
    case 'ETIMEDOUT':
      return { reason: 'timeout', detail };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return { reason: 'dns', detail };
  }
  if (phase === 'tls' || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || e?.library === 'SSL routines') {
    return { reason: 'tls', detail };
  }
  return { reason: 'error', detail };
}
