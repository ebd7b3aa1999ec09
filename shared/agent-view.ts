// Remote probe agents as the admin page and GET /api/agents see them (docs/AGENTS.md AG2, AG10): the
// registry's row merged with the monitor's view of the link. Never a token hash; a token only in the
// answer that issued it.
import { z } from 'zod';
import { AgentName, Code } from './schemas';

/** Body of POST /api/agents. `units`: these units get `agent: name` in the inventory. */
export const NewAgentBody = z.strictObject({
  name: AgentName,
  units: z.array(Code).max(1_000).default([]),
});
export type NewAgentBody = z.infer<typeof NewAgentBody>;

/** The link as the monitor sees it (server/agent/contract.ts AgentState), instants on the wire. */
export interface AgentLinkView {
  connected: boolean;
  instance: string | null;
  version: string | null;
  /** ISO 8601 with offset; null: never heard from. */
  lastContactAt: string | null;
  /** Since when it is not heard from, while silent. */
  silentSince: string | null;
  /** Now minus the probe time of its newest result ingested, ms. */
  lagMs: number | null;
  outboxDepth: number;
  /** Agent clock minus centre clock, ms. */
  clockOffsetMs: number | null;
  clockFlagged: boolean;
  /** Targets assigned to it now. */
  targets: number;
}

export interface AgentView {
  name: string;
  /** False for a name the inventory uses (or the monitor heard) that was never registered. */
  registered: boolean;
  createdAt: string | null;
  createdBy: string | null;
  /** When its current token was issued. */
  tokenSetAt: string | null;
  /** Null while active. */
  revokedAt: string | null;
  /** Units whose resolved agent is this one (their own `agent` or their nearest ancestor's). */
  units: string[];
  /** Points with at least one target probed by this agent. */
  points: number;
  /** Null when the monitor knows nothing of it yet. */
  link: AgentLinkView | null;
}

/** The answer to POST /api/agents and POST /api/agents/:name/rotate: the token, shown once. */
export interface IssuedAgentToken {
  agent: AgentView;
  token: string;
}
