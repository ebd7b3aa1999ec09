// The seams of remote probe agents (docs/AGENTS.md), shared by the agent process, the centre's agent
// connections and the monitor: what travels between them and what each side promises. The wire form of
// a batch is binary (server/agent/batch-codec.ts); these are the decoded shapes.
import type { WindowConfig } from '../../shared/phase';
import type { Meeting, Point } from '../../shared/schemas';
import type { TargetResult } from '../probe/kinds';
import type { CadenceConfig } from '../schedule/scheduler';

/** The Socket.IO namespace agents connect to; the token is the `Authorization: Bearer …` header. */
export const AGENT_NAMESPACE = '/agent';
/** Bumped when a message changes shape; the centre refuses a protocol it does not speak. */
export const AGENT_PROTOCOL = 1;

/** An agent sends a batch at least this often, empty when it has nothing: silence means no contact. */
export const AGENT_BATCH_MS = 1_000;
/**
 * A batch closes (and leaves) this long after its first result: the floor of an agent's probe →
 * dashboard latency (docs/NATIONAL.md "Measured": closing every second put ~1 s under every status).
 */
export const AGENT_CLOSE_MS = 150;
/** No batch from an agent for this long: its targets become unknown ("no contact with the probe"). */
export const AGENT_SILENT_MS = 5_000;
/** A clock further off than this is flagged, and the agent's timestamps are corrected by the offset. */
export const CLOCK_FLAG_MS = 1_000;
/** A clock further off than this is not corrected: the agent's batches are refused until it is fixed. */
export const CLOCK_REFUSE_MS = 3_600_000;
/** Most results in one batch, and most bytes of its wire form (a bigger batch is refused, whole). */
export const MAX_BATCH_RESULTS = 20_000;
export const MAX_BATCH_BYTES = 1_048_576;

/**
 * [AG12] "Kiểm tra ngay" of a point an agent probes: the centre asks the agent (event `probe`, wherever
 * its connection is held) to probe these targets once, and waits timeoutMs + AGENT_PROBE_SLACK_MS for
 * the answer. At most AGENT_PROBE_MAX_IDS targets and AGENT_PROBE_MAX_TIMEOUT_MS per request.
 */
export const AGENT_PROBE_MAX_IDS = 32;
export const AGENT_PROBE_MAX_TIMEOUT_MS = 10_000;
export const AGENT_PROBE_SLACK_MS = 2_000;

export interface AgentProbeRequest {
  /** Target ids (shared/targets.ts targetId) of the agent's schedule. */
  ids: string[];
  timeoutMs: number;
}

/**
 * The agent's answer: a result per requested target of its schedule, in the request's order; a target
 * not in its schedule gets reason `error` and says so. `ok: false` when the request itself was malformed.
 */
export type AgentProbeAnswer = { ok: true; results: TargetResult[] } | { ok: false; error: string; en: string };

/** The handshake's `auth` object (the token is not here: it is a header). */
export interface AgentHello {
  protocol: number;
  /** diemcau's version on the agent. */
  version: string;
  /** The agent's clock when it connected (ms since epoch). */
  now: number;
}

/**
 * What the centre tells an agent to probe: its own subset of the inventory, planned by the agent's own
 * scheduler (server/schedule/scheduler.ts planProbes), so it keeps probing on the windows it knows while
 * the centre is unreachable. Points carry only the targets assigned to this agent; meetings name their
 * participants among those points explicitly (`participants.points`).
 */
export interface AgentSchedule {
  /** Changes whenever anything below changes (a hash): the agent keeps it with its outbox. */
  version: string;
  issuedAt: number;
  points: Point[];
  meetings: Meeting[];
  cadence: CadenceConfig;
  windows: WindowConfig;
}

/** One batch of results, in the order probed. `seq` grows by one per batch, over restarts (the outbox's). */
export interface AgentBatch {
  seq: number;
  /** The agent's clock when the batch left. */
  sentAt: number;
  /** Results held by the agent that the centre has not acknowledged (its outbox), after this batch. */
  outboxDepth: number;
  results: TargetResult[];
}

export type BatchAck =
  | { ok: true; seq: number }
  /** `where` says which result or field was wrong; a refused batch is not applied at all. */
  | { ok: false; seq: number | null; error: string; where?: string; retry: boolean };

/** What the centre knows of an agent's link, passed to the monitor with each batch or contact change. */
export interface AgentContact {
  connected: boolean;
  /** The instance holding the connection (several instances: docs/CLUSTER.md). */
  instance: string;
  version: string | null;
  outboxDepth: number;
  /** Agent clock minus centre clock, ms (measured at connection and every minute); null before. */
  clockOffsetMs: number | null;
  clockFlagged: boolean;
}

/** Results of one agent for the monitor, already on the centre's clock, and only targets assigned to it. */
export interface AgentIngest {
  agent: string;
  contact: AgentContact;
  results: TargetResult[];
}

/** An agent as the monitor sees it (GET /api/agents merges it with the registry). */
export interface AgentState {
  name: string;
  connected: boolean;
  instance: string | null;
  version: string | null;
  /** When the centre last heard from it (a batch, even empty), null never. */
  lastContactAt: number | null;
  /** Since when it is not heard from, while silent. */
  silentSince: number | null;
  /** Now minus the probe time of its newest result ingested, ms; null before any. */
  lagMs: number | null;
  outboxDepth: number;
  clockOffsetMs: number | null;
  clockFlagged: boolean;
  /** Targets assigned to it now. */
  targets: number;
}

/**
 * The monitor's side (MonitorPort extends it): wherever the agent's connection lands, its batches reach
 * the one active monitor (in this process, its monitor process, or the lease holder's over Redis).
 */
export interface AgentSink {
  /** One agent's batch, in the agent's order; counts as contact even when `results` is empty. */
  ingestAgent(batch: AgentIngest): void;
  /** The agent connected or its connection closed (a batch also says it is connected). */
  agentContact(agent: string, contact: AgentContact): void;
  /** Every agent the inventory names or that was heard from, by name. */
  agents(): AgentState[];
}

/** Who an agent's token belongs to (server/agent/registry.ts implements it over the store). */
export interface AgentAuth {
  /** The agent's name for a valid token; null for an unknown, rotated or revoked one. */
  authenticate(token: string): Promise<string | null>;
  /** Hears a revocation or rotation (name): connections with the old token are closed at once. */
  onRevoked(listener: (name: string) => void): () => void;
}
