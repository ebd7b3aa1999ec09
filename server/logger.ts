// The server's log: JSON lines under a supervisor, readable lines when a person watches a terminal.
import pino, { type Logger } from 'pino';

export function makeLogger(level: string, name?: string): Logger {
  const base = name === undefined ? {} : { name };
  if (process.stdout.isTTY) {
    return pino({
      level,
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:dd/mm/yyyy HH:MM:ss' } },
    });
  }
  return pino({ level, ...base });
}
