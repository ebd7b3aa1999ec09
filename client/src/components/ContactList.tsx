import type { Contact } from '../../../shared/schemas';
import { telHref } from '../lib/format';
import { useI18n } from '../i18n/context';
import { PhoneIcon } from './Icons';

export function ContactList({ contacts }: { contacts: readonly Contact[] }) {
  const { t } = useI18n();
  return (
    <section className="detail-section">
      <h3>{t.detail.contacts}</h3>
      {contacts.length === 0 ? (
        <p className="muted">{t.detail.noContacts}</p>
      ) : (
        <ul className="contacts">
          {contacts.map((c, i) => (
            <li key={`${c.name}-${i}`}>
              <span className="contact-name">{c.name}</span>
              <span className="contact-role">
                {t.detail.contactRole[c.role]}
                {c.organization ? ` · ${c.organization}` : ''}
              </span>
              {c.phone && (
                <a className="contact-phone" href={telHref(c.phone)}>
                  <PhoneIcon /> {c.phone}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
