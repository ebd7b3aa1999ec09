// Accounts, for admins: GET/POST /api/users, GET/PUT/DELETE /api/users/:name. Password hashes never
// leave the server; bodies are parsed by NewUserBody / UserUpdateBody (shared/protocol.ts).
import { Router } from 'express';
import { Username } from '../../../shared/protocol';
import { authOf, requireAction } from '../../auth/middleware';
import { presentUser, type Users } from '../../auth/users';
import { parseOrThrow } from '../../errors';

const nameOf = (raw: string): string => parseOrThrow(Username, raw, ['name']);

export function userRoutes(users: Users): Router {
  const r = Router();
  r.use('/users', requireAction('users:manage'));

  r.get('/users', async (_req, res) => {
    res.json((await users.list()).map(presentUser));
  });
  r.get('/users/:name', async (req, res) => {
    res.json(presentUser(await users.find(nameOf(req.params.name))));
  });
  r.post('/users', async (req, res) => {
    res.status(201).json(presentUser(await users.create(req.body)));
  });
  r.put('/users/:name', async (req, res) => {
    const auth = authOf(res);
    const name = nameOf(req.params.name);
    // Changing one's own password keeps the session making the change.
    const keep = auth.user.name === name ? auth.tokenHash : undefined;
    res.json(presentUser(await users.update(name, req.body, keep)));
  });
  r.delete('/users/:name', async (req, res) => {
    await users.remove(nameOf(req.params.name));
    res.status(204).end();
  });
  return r;
}
