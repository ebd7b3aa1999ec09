// Display links over REST (docs/SECURITY.md "Display links").
// Admins (users:manage): GET/POST /api/display-links, DELETE /api/display-links/:id (revoke).
// A wall screen, without a user session: POST /api/display/session {token} signs it in (the display
// cookie), GET /api/display/me says which meeting it shows, DELETE /api/display/session signs it out.
// Nothing else answers to the display cookie: every other route wants a user session (401).
import express, { Router } from 'express';
import { z } from 'zod';
import { DisplaySignIn } from '../../../shared/display';
import { clearedDisplayCookie, displayCookie, displayCookieName } from '../../auth/display-cookie';
import type { DisplayLinks } from '../../auth/display-links';
import { readCookie } from '../../auth/cookies';
import { UnauthorizedError } from '../../auth/errors';
import { words } from '../../../shared/words';
import { authOf, requireAction } from '../../auth/middleware';
import { parseOrThrow } from '../../errors';

const LinkId = z.coerce.number().int().positive();

/** Mounted before the session check: the wall's own routes. */
export function displayRoutes(links: DisplayLinks, secure: boolean): Router {
  const r = Router();
  const name = displayCookieName(secure);
  r.post('/display/session', express.json({ limit: '1kb' }), async (req, res) => {
    const { token } = parseOrThrow(DisplaySignIn, req.body);
    const row = await links.fromToken(token);
    if (!row)
      throw new UnauthorizedError(
        words(
          'Liên kết màn hình không đúng hoặc đã bị thu hồi.',
          'Unauthorized: this display link is unknown or has been revoked.',
        ),
      );
    res.setHeader('Set-Cookie', displayCookie(token, secure));
    res.json(links.me(row));
  });
  r.get('/display/me', async (req, res) => {
    const row = await links.fromToken(readCookie(req.headers.cookie, name));
    if (!row)
      throw new UnauthorizedError(
        words(
          'Màn hình này chưa có liên kết màn hình (hoặc liên kết đã bị thu hồi).',
          'Unauthorized: this screen has no display link (or it was revoked).',
        ),
      );
    res.json(links.me(row));
  });
  r.delete('/display/session', (_req, res) => {
    res.setHeader('Set-Cookie', clearedDisplayCookie(secure));
    res.status(204).end();
  });
  return r;
}

/** Mounted after the session check: admins manage the links. */
export function displayLinkRoutes(links: DisplayLinks): Router {
  const r = Router();
  r.use('/display-links', requireAction('users:manage'));
  r.get('/display-links', async (_req, res) => {
    res.json(await links.list());
  });
  r.post('/display-links', async (req, res) => {
    res.status(201).json(await links.create(req.body, authOf(res).user.name));
  });
  r.delete('/display-links/:id', async (req, res) => {
    const id = parseOrThrow(LinkId, req.params.id, ['id']);
    res.json(await links.revoke(id, authOf(res).user.name));
  });
  return r;
}
