// The names of everything a cluster keeps in Redis (docs/CLUSTER.md), all under `diemcau:{NAME}:`. The
// braces are a Redis Cluster hash tag: every key of one cluster lands in one slot, so the limiter's Lua
// scripts, which touch several keys, stay valid should the Redis ever be a cluster. Several clusters
// (a test's, a province's) can share one Redis without meeting.
import { UserError } from '../errors';
import { words } from '../../shared/words';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface ClusterKeys {
  /** The prefix of every key below, e.g. `diemcau:{hatinh}:`. */
  prefix: string;
  /** Stream: every message of the active monitor (server/cluster/bus.ts). */
  monitor: string;
  /** Stream: commands to the active monitor from any instance. */
  toMonitor: string;
  /** Stream and pub/sub channel prefix of the Socket.IO adapter (server/cluster/socket-adapter.ts). */
  socketIo: string;
  /** Prefix of the login limiter's keys (server/auth/limiter-redis.ts). */
  login: string;
}

/** The keys of cluster `name` (letters, digits, `_`, `.`, `-`; at most 64). */
export function clusterKeys(name: string): ClusterKeys {
  if (!NAME.test(name))
    throw new UserError(
      words(
        `Tên cụm “${name}” không hợp lệ: chỉ gồm chữ không dấu, số, “_”, “.”, “-”, tối đa 64 ký tự.`,
        `Cluster name "${name}" is invalid: ASCII letters, digits, "_", ".", "-", at most 64 characters.`,
      ),
    );
  const prefix = `diemcau:{${name}}:`;
  return {
    prefix,
    monitor: `${prefix}monitor`,
    toMonitor: `${prefix}to-monitor`,
    socketIo: `${prefix}socket.io`,
    login: `${prefix}login:`,
  };
}
