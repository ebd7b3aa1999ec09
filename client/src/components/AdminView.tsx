// The admin tools, a view of their own behind "Quản trị": a meeting from an invitation, the point-list
// import, the export, the alert channels. The monitor keeps running behind it (alerts still sound).
import { useState } from 'react';
import { useI18n } from '../i18n/context';
import { AlertChannels } from './admin/AlertChannels';
import { ExportPanel } from './ExportPanel';
import { InvitationTool } from './InvitationTool';
import { PointImport } from './PointImport';
import { Tabs } from './Tabs';

const TABS = ['invitation', 'import', 'export', 'alerts'] as const;
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
        render={(k) => t.admin.tabs[k]}
        onSelect={setTab}
      />
      <section className="admin-panel" role="tabpanel">
        {tab === 'invitation' && <InvitationTool onOpenMeeting={onOpenMeeting} />}
        {tab === 'import' && <PointImport />}
        {tab === 'export' && <ExportPanel />}
        {tab === 'alerts' && <AlertChannels />}
      </section>
    </main>
  );
}
