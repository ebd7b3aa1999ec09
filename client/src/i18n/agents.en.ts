// "Probe agents" in the admin view in English: the keys of agents.vi.ts.
import type { agentsVi } from './agents.vi';

export const agentsEn: typeof agentsVi = {
  tab: 'Probe agents',
  intro:
    'A probe agent sits near the points, probes them and sends the results to the server. Each agent has its own token; the server keeps only its hash.',
  name: 'Agent name',
  nameHint: 'e.g. tram-can-loc',
  units: 'Units it probes (ids, comma-separated)',
  unitsHint: 'e.g. HT-CL, HT-CX',
  add: 'Add agent',
  adding: 'Adding…',
  tokenFor: (name: string) => `Token of agent ${name}`,
  tokenWarning:
    'This token is shown once and will not be shown again. Copy it now and put it on the agent (a file of mode 600); if it is lost, issue a new one.',
  copy: 'Copy',
  copied: 'Copied',
  dismiss: 'I have saved it',
  rotate: 'New token',
  confirmRotate: (name: string) =>
    `Issue a new token for agent "${name}"? The old one stops at once and a connected agent is disconnected.`,
  revoke: 'Revoke',
  confirmRevoke: (name: string) =>
    `Revoke agent "${name}"? It is disconnected at once and cannot connect again; its points become unknown.`,
  none: 'No probe agents yet.',
  loadError: 'Could not load the probe agents',
  columns: {
    name: 'Agent',
    units: 'Units',
    version: 'Version',
    link: 'Contact',
    lag: 'Result lag',
    outbox: 'Waiting to send',
    clock: 'Clock offset',
    state: 'Registration',
  },
  points: (n: number) => `${n} points`,
  connected: 'Connected',
  lostSince: (at: string) => `No contact since ${at}`,
  neverHeard: 'Never heard from',
  results: (n: number) => `${n.toLocaleString('en-GB')} results`,
  clockFlagged: 'Clock off by more than 1 s: results are corrected',
  offset: (ms: number) => `${ms > 0 ? '+' : ''}${ms.toLocaleString('en-GB')} ms`,
  active: 'Active',
  revokedAt: (at: string) => `Revoked ${at}`,
  unregistered: 'Not registered (named in the inventory)',
};
