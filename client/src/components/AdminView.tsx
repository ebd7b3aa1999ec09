// The admin tools, a view of their own behind "Quản trị": a meeting from an invitation, the point-list
// import, the export, the wall displays' links, who issues the report PDF, the alert channels, the
// planned maintenance, the points themselves, the remote probe agents ("Trạm đo"). The monitor keeps running behind it (alerts still sound).
// Each tab shows only to who may use it: the points editor to `inventory:write` (admins).
import { useState } from 'react';
import { useI18n } from '../i18n/context';
import { useMe } from '../hooks/useAuth';
import { may } from '../lib/permissions';
import { AgentsPanel } from './admin/AgentsPanel';
import { AlertChannels } from './admin/AlertChannels';
import { MaintenancePanel } from './admin/MaintenancePanel';
import { PointsPanel } from './admin/PointsPanel';
import { ExportPanel } from './ExportPanel';
import { InvitationTool } from './InvitationTool';
import { PointImport } from './PointImport';
import { ReportSettingsEditor } from './ReportSettingsEditor';
import { Tabs } from './Tabs';
import { DisplayLinksPanel } from './wall/DisplayLinksPanel';

const TABS = [
  'invitation',
  'points',
  'import',
  'export',
  'wall',
  'reportSettings',
  'alerts',
  'maintenance',
  'agents',
] as const;
type Tab = (typeof TABS)[number];

export function AdminView({ onOpenMeeting }: { onOpenMeeting: (id: string) => void }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('invitation');
  const mayEditPoints = may(useMe(), 'inventory:write');
  const tabs = TABS.filter((k) => k !== 'points' || mayEditPoints);
  return (
    <main className="admin" data-testid="admin-view">
      <Tabs
        keys={tabs}
        active={tab}
        label={t.admin.title}
        testIdPrefix="admin-tab"
        render={(k) =>
          k === 'agents'
            ? t.agents.tab
            : k === 'wall'
              ? t.wall.admin.tab
              : k === 'maintenance'
                ? t.maintenance.tab
                : k === 'points'
                  ? t.points.tab
                  : t.admin.tabs[k]
        }
        onSelect={setTab}
      />
      <section className="admin-panel" role="tabpanel">
        {tab === 'invitation' && <InvitationTool onOpenMeeting={onOpenMeeting} />}
        {tab === 'points' && mayEditPoints && <PointsPanel />}
        {tab === 'import' && <PointImport />}
        {tab === 'export' && <ExportPanel />}
        {tab === 'wall' && <DisplayLinksPanel />}
        {tab === 'reportSettings' && <ReportSettingsEditor />}
        {tab === 'alerts' && <AlertChannels />}
        {tab === 'maintenance' && <MaintenancePanel />}
        {tab === 'agents' && <AgentsPanel />}
      </section>
    </main>
  );
}
