// Commands to the active monitor from any instance (docs/CLUSTER.md): the stream
// `diemcau:{NAME}:to-monitor` carries what the parent sends its monitor process over IPC on a single
// machine — "the inventory changed" and "send every status" — except `stop`, which only the monitor's
// own instance gives. The active monitor reads from the stream's end when it takes office: what was
// asked of its predecessor is not its business (a new monitor loads the inventory and sends a full
// batch anyway).
import { decode, encode } from '@msgpack/msgpack';
import type { Logger } from 'pino';
import type { ToMonitor } from '../pipeline/messages';
import { clusterKeys } from './keys';
import type { Redis } from './redis';
import { StreamTail, type ResumeReason } from './stream-tail';

export type ClusterCommand = Exclude<ToMonitor, { type: 'stop' }>;

/** Commands kept in the stream: the active monitor reads them within milliseconds. */
export const COMMAND_STREAM_MAXLEN = 1_000;

const KNOWN = new Set<string>([
  'inventory',
  'resync',
  // [AG9] An agent's batches and contacts, from the instance holding its connection to the lease holder.
  'agentIngest',
  'agentContact',
] satisfies ClusterCommand['type'][]);

/**
 * Sends `cmd` to whichever instance runs the monitor. Resolves false when Redis is away (the command
 * is not kept for later: a reconnecting monitor is told to catch up instead, see onGap below).
 */
export async function sendToMonitor(
  redis: Redis,
  cluster: string,
  cmd: ClusterCommand,
  from?: string,
): Promise<boolean> {
  if (!redis.isReady) return false;
  // Absent optional fields stay absent (a result's `reason`), not nil.
  const fields: Record<string, string | Buffer> = { d: Buffer.from(encode(cmd, { ignoreUndefined: true })) };
  if (from !== undefined) fields.i = from;
  try {
    await redis.xAdd(clusterKeys(cluster).toMonitor, '*', fields, {
      TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: COMMAND_STREAM_MAXLEN },
    });
    return true;
  } catch {
    return false;
  }
}

export interface CommandReaderOptions {
  redis: Redis;
  cluster: string;
  logger: Logger;
  onCommand(cmd: ClusterCommand, from: string | null): void;
  /**
   * After a reconnect commands may have been lost: reload the inventory and send a full batch. Not
   * called at the start (reason 'start'), which is taking office.
   */
  onGap(reason: Exclude<ResumeReason, 'start'>): void;
  blockMs?: number;
}

/** The active monitor's ear: start() when taking office, stop() when leaving it. */
export class CommandReader {
  private readonly tail: StreamTail;

  constructor(o: CommandReaderOptions) {
    this.tail = new StreamTail({
      redis: o.redis,
      key: clusterKeys(o.cluster).toMonitor,
      logger: o.logger,
      blockMs: o.blockMs,
      onEntries: (entries) => {
        for (const e of entries) {
          let cmd: ClusterCommand;
          try {
            cmd = decode(e.fields.d ?? Buffer.alloc(0)) as ClusterCommand;
            if (!KNOWN.has(cmd?.type)) throw new Error(`unknown command ${String(cmd?.type)}`);
          } catch (err) {
            o.logger.warn({ err, id: e.id }, 'monitor commands: unreadable entry');
            continue;
          }
          try {
            o.onCommand(cmd, e.fields.i?.toString() ?? null);
          } catch (err) {
            o.logger.error({ err, type: cmd.type }, 'monitor commands: listener failed');
          }
        }
      },
      onResume: (reason) => {
        if (reason !== 'start') o.onGap(reason);
      },
    });
  }

  /** Resolves once reading: what is added to the stream from then on is delivered. */
  start(): Promise<void> {
    return this.tail.start();
  }

  stop(): Promise<void> {
    return this.tail.stop();
  }
}
