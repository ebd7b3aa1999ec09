// REST of the admin view's "Trạm đo" (GET/POST /api/agents, POST /api/agents/:name/rotate, DELETE
// /api/agents/:name). A refusal throws ApiError with the server's message, in the dashboard's language.
import type { AgentView, IssuedAgentToken, NewAgentBody } from '../../../../shared/agent-view';
import { apiHeaders } from '../../lib/apiHeaders';
import { errorBody } from '../../lib/authErrors';
import { ApiError } from '../../live/api';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? apiHeaders() : apiHeaders({ 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = errorBody(json);
    throw new ApiError(res.status, e?.code ?? 'http', e?.message ?? `${res.status} ${res.statusText}`, e?.fields);
  }
  return json as T;
}

const at = (name: string): string => `/api/agents/${encodeURIComponent(name)}`;

export const agentsApi = {
  list: () => call<AgentView[]>('GET', '/api/agents'),
  add: (body: NewAgentBody) => call<IssuedAgentToken>('POST', '/api/agents', body),
  rotate: (name: string) => call<IssuedAgentToken>('POST', `${at(name)}/rotate`),
  revoke: (name: string) => call<AgentView>('DELETE', at(name)),
};
