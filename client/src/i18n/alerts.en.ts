import type { AlertsMessages } from './alerts.vi';

// Typed as the Vietnamese section: a missing or extra key fails the typecheck.
export const alertsEn: AlertsMessages = {
  intro:
    'Alert channels are declared in the configuration file (its alerts: section). Secrets are never shown here: only where each comes from.',
  none: 'No alert channel yet. Declare them in the configuration file, under alerts: (see docs/ALERTS.md).',
  channels: 'Alert channels',
  log: 'Delivery log',
  logEmpty: 'No alert sent yet.',
  refresh: 'Refresh',
  loadError: 'Could not load the alert channels',
  kind: { webhook: 'Webhook', email: 'E-mail', telegram: 'Telegram', zalo: 'Zalo OA' },
  col: {
    id: 'Channel',
    kind: 'Kind',
    target: 'Sends to',
    secret: 'Secret',
    retry: 'Retries',
    language: 'Language',
    action: 'Action',
    time: 'Time',
    incident: 'Incident',
    status: 'Status',
    attempts: 'Attempts',
    error: 'Last error',
  },
  secretEnv: (name: string) => `environment variable ${name}`,
  secretFile: (name: string) => `file ${name}`,
  noSecret: 'none',
  retry: (max: number, base: string, cap: string) => `up to ${max} attempts, waits from ${base} to ${cap}`,
  language: { vi: 'Vietnamese', en: 'English' },
  test: 'Send a test',
  testing: 'Sending a test…',
  testSent: (channel: string) => `Test sent through ${channel}.`,
  testPending: (channel: string, error: string) => `${channel} could not send yet (${error}); it will retry.`,
  testFailed: (channel: string, error: string) => `${channel} could not send: ${error}`,
  status: { pending: 'Waiting to retry', sent: 'Sent', failed: 'Failed' },
  incidentKind: { open: 'Line lost', recovered: 'Back up', test: 'Test' },
  nextAt: (time: string) => `next at ${time}`,
  attempt: (n: number, time: string, ok: boolean, error: string | null) =>
    `Attempt ${n} at ${time}: ${ok ? 'sent' : `error — ${error ?? ''}`}`,
};
