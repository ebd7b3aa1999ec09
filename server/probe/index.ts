// Probe engines: pick fping where it is installed (Linux servers), the portable `ping` engine
// elsewhere. Everything a caller needs is exported from here.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { FpingEngine, type FpingTuning } from './fping-engine';
import { PingEngine, type PingTuning } from './ping-engine';
import type { EngineOptions, ProbeEngine } from './types';

export type EngineKind = 'auto' | 'fping' | 'ping';

export type CreateEngineOptions = EngineOptions & {
  kind?: EngineKind;
  fping?: FpingTuning;
  ping?: PingTuning;
};

/** Whether `fping` (or the given name or path) is an executable, looked up on PATH like a shell. */
export function fpingAvailable(program = 'fping'): boolean {
  const exe = process.platform === 'win32' && !program.endsWith('.exe') ? `${program}.exe` : program;
  const candidates = /[\\/]/.test(exe)
    ? [exe]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, exe));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile(); // a directory is "executable" too
    } catch {
      return false;
    }
  });
}

export function createEngine(opts: CreateEngineOptions): ProbeEngine {
  const { kind = 'auto', fping, ping, ...base } = opts;
  const useFping = kind === 'fping' || (kind === 'auto' && fpingAvailable(fping?.fpingPath));
  if (kind === 'fping' && !fpingAvailable(fping?.fpingPath)) {
    throw new Error('fping engine requested but fping is not installed (apt install fping)');
  }
  const engine = useFping ? new FpingEngine({ ...base, ...fping }) : new PingEngine({ ...base, ...ping });
  base.logger.info({ engine: engine.name, requested: kind }, 'probe engine ready');
  return engine;
}

export { DEFAULT_LOSS_GRACE_MS, FpingEngine, createFpingEngine, fpingTimeout, usableTargets } from './fping-engine';
export { fpingLoopArgs } from './fping-process';
export type { FpingEngineOptions, FpingTuning, ShardInfo } from './fping-engine';
export { PingEngine, createPingEngine } from './ping-engine';
export type { PingEngineOptions, PingEngineStats, PingTuning } from './ping-engine';
export { LineSplitter, MAX_LINE_LENGTH, parseFpingLine } from './fping-parse';
export type { FpingLine, IgnoredReason } from './fping-parse';
export {
  DEFAULT_MAX_PACKETS_PER_SECOND,
  normalizeTargets,
  planShards,
  sameShard,
  sendGapMs,
  shardCapacity,
} from './shard-plan';
export type { Shard, ShardPlanOptions } from './shard-plan';
export type { EngineOptions, ProbeEngine, ProbeResult, ProbeSink, ProbeTarget } from './types';
