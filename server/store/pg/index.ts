// Placeholder until the PostgreSQL store lands (branch i-pg).
import type { Logger } from 'pino';
import type { Store } from '../types';
export function openPgStore(_url: string, _opts: { logger?: Logger; max?: number }): Promise<Store> {
  return Promise.reject(new Error('PostgreSQL store: not merged yet'));
}
