// REST calls of the wall and of its admin section. The display routes answer 401 for a screen without
// a link: that is an answer here (null), not the end of a user's session, so these calls do not go
// through the dashboard's 401 handler.
import type { CreatedDisplayLink, DisplayLinkView, DisplayMe, NewDisplayLinkBody } from '../../../../shared/display';
import { errorBody } from '../../lib/authErrors';
import { ApiError } from '../../live/api';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers:
      body === undefined
        ? { accept: 'application/json' }
        : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const e = errorBody(json);
    throw new ApiError(res.status, e?.code ?? 'http', e?.message ?? `${res.status} ${res.statusText}`, e?.fields);
  }
  return json as T;
}

const orNullOn401 = async <T>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
};

export const wallApi = {
  /** Signs this screen in with a link's token (sets the display cookie); null when refused. */
  signIn: (token: string) => orNullOn401(call<DisplayMe>('POST', '/api/display/session', { token })),
  /** The screen's link and meeting; null without a (valid) display cookie. */
  me: () => orNullOn401(call<DisplayMe>('GET', '/api/display/me')),
  list: () => call<DisplayLinkView[]>('GET', '/api/display-links'),
  create: (body: NewDisplayLinkBody) => call<CreatedDisplayLink>('POST', '/api/display-links', body),
  revoke: (id: number) => call<DisplayLinkView>('DELETE', `/api/display-links/${id}`),
};

/** The token of a display link URL (`#wall?k=TOKEN`), or null. */
export function tokenFromHash(hash: string): string | null {
  const q = hash.indexOf('?');
  if (q < 0) return null;
  const k = new URLSearchParams(hash.slice(q + 1)).get('k');
  return k === null || k === '' ? null : k;
}

/** Whether the page is the wall display (`#wall`, with or without a token). */
export const isWallHash = (hash: string): boolean => hash === '#wall' || hash.startsWith('#wall?');
