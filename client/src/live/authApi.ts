// REST calls of the login screen and the user menu: POST /api/auth/login, GET /api/auth/me,
// POST /api/auth/logout. The session itself is an HttpOnly cookie the page never sees.
import { z } from 'zod';
import { apiHeaders } from '../lib/apiHeaders';
import { ACTIONS, Role, type Action, type Me } from '../../../shared/protocol';
import { errorBody, loginFailure, type LoginFailure } from '../lib/authErrors';
import { ApiError } from './api';

const known = new Set<string>(ACTIONS);

const MeSchema = z.object({
  user: z.object({
    name: z.string(),
    displayName: z.string().nullable(),
    role: Role,
    units: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  // An action this dashboard does not know yet is of no use to it, and must not break the login.
  permissions: z.array(z.string()).transform((a) => a.filter((x): x is Action => known.has(x))),
  session: z.object({ createdAt: z.string(), expiresAt: z.string(), idleMinutes: z.number() }),
});

function parseMe(body: unknown): Me {
  const parsed = MeSchema.safeParse(body);
  if (!parsed.success) throw new ApiError(200, 'bad_response', `/api/auth/me: ${parsed.error.message}`);
  return parsed.data;
}

const jsonHeaders = (): Record<string, string> => apiHeaders({ 'content-type': 'application/json' });

export type LoginOutcome = { ok: true; me: Me } | { ok: false; failure: LoginFailure };

export async function postLogin(username: string, password: string): Promise<LoginOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    return { ok: false, failure: { kind: 'network', message: err instanceof Error ? err.message : String(err) } };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 200) {
    try {
      return { ok: true, me: parseMe(body) };
    } catch (err) {
      return { ok: false, failure: { kind: 'other', status: 200, message: (err as Error).message } };
    }
  }
  return { ok: false, failure: loginFailure(res.status, body, res.headers.get('retry-after'), Date.now()) };
}

/** The current session's user, or null without one (401). Throws when the server cannot say. */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  const res = await fetch('/api/auth/me', { headers: apiHeaders(), signal });
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) return null;
  if (!res.ok) {
    const err = errorBody(body);
    throw new ApiError(res.status, err?.code ?? 'http', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return parseMe(body);
}

/** Ends the session on the server (which also ends its sockets). A session already gone is fine. */
export async function postLogout(): Promise<void> {
  const res = await fetch('/api/auth/logout', { method: 'POST', headers: apiHeaders() });
  if (res.status === 204 || res.status === 401) return;
  const err = errorBody(await res.json().catch(() => null));
  throw new ApiError(res.status, err?.code ?? 'http', err?.message ?? `${res.status} ${res.statusText}`);
}
