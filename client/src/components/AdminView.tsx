// The admin tools, a view of their own behind "Quản trị": a meeting from an invitation, the point-list
// import, the export, the wall displays' links, who issues the report PDF, the alert channels, the
// planned maintenance. The monitor keeps running behind it (alerts still sound).
import { useState } from 'react';
import { useI18n } from '../i18n/context';
import { AlertChannels } from './admin/AlertChannels';
import { MaintenancePanel } from './admin/MaintenancePanel';
import { ExportPanel } from './ExportPanel';
import { InvitationTool } from './InvitationTool';
import { PointImport } from './PointImport';
import { ReportSettingsEditor } from './ReportSettingsEditor';
import { Tabs } from './Tabs';
import { DisplayLinksPanel } from './wall/DisplayLinksPanel';

const TABS = ['invitation', 'import', 'export', 'wall', 'reportSettings', 'alerts', 'maintenance'] as const;
type Tab = (typeof TABS)[number];

export function AdminView({ onOpenMeeting }: { onOpenMeeting: (id: string) => void }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('invitation');
  return (
    <main className="admin" data-testid="admin-view">
      <Tabs
        keys={TABS}
        active={tab}
        label={t.admin.title}
        testIdPrefix="admin-tab"
        render={(k) => (k === 'wall' ? t.wall.admin.tab : k === 'maintenance' ? t.maintenance.tab : t.admin.tabs[k])}
        onSelect={setTab}
      />
      <section className="admin-panel" role="tabpanel">
        {tab === 'invitation' && <InvitationTool onOpenMeeting={onOpenMeeting} />}
        {tab === 'import' && <PointImport />}
        {tab === 'export' && <ExportPanel />}
        {tab === 'wall' && <DisplayLinksPanel />}
        {tab === 'reportSettings' && <ReportSettingsEditor />}
        {tab === 'alerts' && <AlertChannels />}
        {tab === 'maintenance' && <MaintenancePanel />}
      </section>
    </main>
  );
}
