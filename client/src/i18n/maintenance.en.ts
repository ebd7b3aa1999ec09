import type { MaintenanceMessages } from './maintenance.vi';

// Typed as the Vietnamese section: a missing or extra key fails the typecheck.
export const maintenanceEn: MaintenanceMessages = {
  tab: 'Planned maintenance',
  intro:
    'During planned maintenance the point (or every point of the unit) sends no alerts; the dashboard and the report show it as planned.',
  kind: { point: 'Point', unit: 'Unit' },
  target: 'Point or unit code',
  start: 'Start',
  end: 'End',
  reason: 'Reason',
  add: 'Add planned maintenance',
  remove: 'Delete',
  empty: 'No planned maintenance.',
  loadError: 'Could not load planned maintenance',
  saveError: 'Could not save planned maintenance',
  col: { target: 'Point / unit', span: 'When', reason: 'Reason', by: 'Created by', action: 'Action' },
};
