// Remote probe agents over REST (docs/AGENTS.md AG2, AG10).
// GET /api/agents (admins and technicians): the registry merged with the monitor's view of each link
// and the inventory's assignment. Admins: POST /api/agents {name, units?} → 201 with the token, once;
// POST /api/agents/:name/rotate → a new token (the old one stops at once); DELETE /api/agents/:name →
// revoked (connections using it are closed at once: AgentRegistry's onRevoked). A token hash never leaves.
import { Router, type Response } from 'express';
import { NewAgentBody, type AgentView, type IssuedAgentToken } from '../../../shared/agent-view';
import { AgentName } from '../../../shared/schemas';
import { words } from '../../../shared/words';
import type { AgentState } from '../../agent/contract';
import type { AgentRegistry } from '../../agent/registry';
import { agentViews } from '../../agent/view';
import { ForbiddenError } from '../../auth/errors';
import { authOf, requireAction } from '../../auth/middleware';
import { parseOrThrow } from '../../errors';
import type { Inventory } from '../../inventory/inventory';
import type { AgentRow } from '../../store/agent-types';

export interface AgentRoutesOptions {
  registry: AgentRegistry;
  inventory: Inventory;
  /** The monitor's view of the agents' links (its AgentSink.agents). */
  agentStates: () => AgentState[];
}

const nameOf = (raw: string): string => parseOrThrow(AgentName, raw, ['name']);

/** Admins and technicians see the agents; viewers do not (the page is the technicians' tool). */
function requireStaff(res: Response): void {
  const role = authOf(res).user.role;
  if (role !== 'admin' && role !== 'technician') {
    throw new ForbiddenError(
      words(
        'Chỉ quản trị viên và cán bộ kỹ thuật được xem trạm đo.',
        'Forbidden: only admins and technicians may see the probe agents.',
      ),
    );
  }
}

export function agentRoutes(o: AgentRoutesOptions): Router {
  const r = Router();
  const viewOf = (row: AgentRow): AgentView =>
    agentViews([row], o.inventory.data(), o.agentStates()).find((v) => v.name === row.name)!;

  r.get('/agents', async (_req, res) => {
    requireStaff(res);
    res.json(agentViews(await o.registry.list(), o.inventory.data(), o.agentStates()));
  });
  r.use('/agents', requireAction('users:manage'));
  r.post('/agents', async (req, res) => {
    const body = parseOrThrow(NewAgentBody, req.body);
    const { agent, token } = await o.registry.add(body.name, authOf(res).user.name, body.units, o.inventory);
    const out: IssuedAgentToken = { agent: viewOf(agent), token };
    res.status(201).json(out);
  });
  r.post('/agents/:name/rotate', async (req, res) => {
    const { agent, token } = await o.registry.rotate(nameOf(req.params.name));
    const out: IssuedAgentToken = { agent: viewOf(agent), token };
    res.json(out);
  });
  r.delete('/agents/:name', async (req, res) => {
    res.json(viewOf(await o.registry.revoke(nameOf(req.params.name))));
  });
  return r;
}
