// The technician and phone cells. One cell may hold several people, one per line (or separated by
// ";"), with the phones in the same order in the phone cell; a phone written after the name in the
// name cell ("Nguyễn Văn An - 0913 294 787") is taken from there. Excel drops the leading 0 of a phone
// typed as a number (913294787): a bare 9–10 digit number not starting with 0 gets it back.
import type { Contact } from '../../shared/schemas';
import { fold } from './fold';

export interface SheetContact {
  name: string;
  phone: string | undefined;
}

export type ContactsResult =
  { contacts: SheetContact[] } | { error: 'phone-without-name' | 'too-many-phones'; count: number };

const SPLIT = /\r\n|\r|\n|;/;
const TRAILING_PHONE = /^(.*?\S)[\s,:–—-]*\(?(\+?\d[\d .]{6,}\d)\)?$/u;

export function cellLines(cell: string | undefined): string[] {
  if (cell === undefined) return [];
  const parts = cell
    .normalize('NFC')
    .split(SPLIT)
    // Only spaces are collapsed: tabs and invisible characters stay for the text rule to refuse
    // (shared/text.ts), rather than vanishing here into a name that looks right.
    .map((s) => s.replace(/\p{Zs}+/gu, ' ').replace(/^ | $/g, ''));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function normalizePhone(phone: string): string {
  const p = phone.replace(/\s+/g, ' ').trim();
  return /^[1-9]\d{8,9}$/.test(p) ? `0${p}` : p;
}

export function readContacts(nameCell: string | undefined, phoneCell: string | undefined): ContactsResult {
  const names = cellLines(nameCell);
  const phones = cellLines(phoneCell);
  const contacts: SheetContact[] = [];
  names.forEach((raw, i) => {
    let name = raw;
    let phone = phones[i] ?? '';
    if (phone === '') {
      const m = TRAILING_PHONE.exec(raw);
      if (m?.[1] && m[2] && /\p{L}/u.test(m[1])) {
        name = m[1].replace(/[\s,:–—(-]+$/u, '');
        phone = m[2];
      }
    }
    if (name === '' && phone === '') return;
    contacts.push({ name, phone: phone === '' ? undefined : normalizePhone(phone) });
  });
  const extra = phones.slice(names.length).filter((p) => p !== '').length;
  if (extra > 0) {
    return names.length === 0
      ? { error: 'phone-without-name', count: extra }
      : { error: 'too-many-phones', count: phones.filter((p) => p !== '').length };
  }
  if (contacts.some((c) => c.name === '')) return { error: 'phone-without-name', count: 1 };
  return { contacts };
}

/**
 * The sheet's technicians take the places of the point's technicians, in order; leaders and others,
 * which a point list does not carry, stay where they were, and a technician keeps the organization
 * recorded for the same name.
 */
export function mergeContacts(existing: readonly Contact[], sheet: readonly SheetContact[]): Contact[] {
  const orgs = new Map<string, string>();
  for (const c of existing) if (c.role === 'technician' && c.organization) orgs.set(fold(c.name), c.organization);
  const toContact = (s: SheetContact): Contact => {
    const organization = orgs.get(fold(s.name));
    return {
      name: s.name,
      role: 'technician',
      ...(s.phone !== undefined && { phone: s.phone }),
      ...(organization !== undefined && { organization }),
    };
  };
  const out: Contact[] = [];
  let next = 0;
  for (const c of existing) {
    if (c.role !== 'technician') out.push(c);
    else if (next < sheet.length) out.push(toContact(sheet[next++] as SheetContact));
  }
  for (; next < sheet.length; next++) out.push(toContact(sheet[next] as SheetContact));
  return out;
}
