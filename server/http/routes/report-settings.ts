// Who issues the report PDF, for admins (docs/REPORT.md DOC1): GET/PUT/DELETE /api/report/settings.
// The body is the whole ReportSettings (shared/report-settings.ts), validated before anything is saved;
// DELETE returns to the config file's section.
import { Router } from 'express';
import { authOf, requireAction } from '../../auth/middleware';
import type { ReportSettingsService } from '../../report/settings';

export function reportSettingsRoutes(settings: ReportSettingsService): Router {
  const r = Router();
  // The settings come with the inventory's config file: the same admins change both.
  r.use('/report/settings', requireAction('inventory:write'));
  r.get('/report/settings', async (_req, res) => {
    res.json(await settings.view());
  });
  r.put('/report/settings', async (req, res) => {
    res.json(await settings.save(authOf(res).user.name, req.body));
  });
  r.delete('/report/settings', async (_req, res) => {
    res.json(await settings.reset());
  });
  return r;
}
