// Routes that exist only for tests (AppOptions.testHooks; `serve` with DIEMCAU_TEST_HOOKS=1): they do
// what a slow synchronous request would, so a test can show that the monitor does not notice.
import { Router } from 'express';
import type { Logger } from 'pino';
import { ValidationError } from '../../errors';

export function testHookRoutes(logger: Logger): Router {
  const r = Router();
  r.post('/test/block', (req, res) => {
    const ms = Number(req.query.ms);
    if (!Number.isInteger(ms) || ms < 0 || ms > 60_000)
      throw new ValidationError([{ path: 'ms', message: 'từ 0 đến 60000' }]);
    logger.warn({ ms }, 'test hook: holding the event loop');
    const until = Date.now() + ms;
    // Deliberately synchronous: nothing else on this event loop runs meanwhile.
    while (Date.now() < until);
    res.json({ blockedMs: ms });
  });
  return r;
}
