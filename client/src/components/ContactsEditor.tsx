import type { InvitationContact } from '../../../shared/invitation';
import { useI18n } from '../i18n/context';

export function ContactsEditor({
  contacts,
  onChange,
}: {
  contacts: InvitationContact[];
  onChange: (contacts: InvitationContact[]) => void;
}) {
  const { t } = useI18n();
  const tr = t.admin.invitation;
  const set = (i: number, patch: Partial<InvitationContact>): void =>
    onChange(contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <div className="contacts-editor">
      {contacts.map((c, i) => (
        <div className="contact-row" key={i} data-testid={`contact-${i}`}>
          <input
            aria-label={tr.contactName}
            placeholder={tr.contactName}
            value={c.name}
            onChange={(e) => set(i, { name: e.target.value })}
          />
          <input
            aria-label={tr.contactOrg}
            placeholder={tr.contactOrg}
            value={c.organization ?? ''}
            onChange={(e) => set(i, { organization: e.target.value || null })}
          />
          <input
            aria-label={tr.contactPhone}
            placeholder={tr.contactPhone}
            inputMode="tel"
            value={c.phone ?? ''}
            onChange={(e) => set(i, { phone: e.target.value || null })}
          />
          <button type="button" className="toolbar-button" onClick={() => onChange(contacts.filter((_, j) => j !== i))}>
            {tr.removeContact}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="toolbar-button"
        onClick={() => onChange([...contacts, { name: '', organization: null, phone: null }])}
      >
        {tr.addContact}
      </button>
    </div>
  );
}
