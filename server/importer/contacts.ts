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
/**
 * TRAILING_PHONE is tried on the end of a line only: its lazy name and its phone run overlap on
 * digits and spaces, so on a whole cell of "1 1 1 … x" it retried the run from every position
 * (quadratic: a 32,767-character cell took seconds). A phone and what separates it from the name fit
 * in far fewer characters.
 */
const PHONE_TAIL = 64;
const NAME_END = /[\s,:–—(-]/u;

/** "Nguyễn Văn An - 0913 294 787" → name and phone; null when the line does not end with a phone. */
function trailingPhone(raw: string): { name: string; phone: string } | null {
  const cut = Math.max(0, raw.length - PHONE_TAIL);
  const head = raw.slice(0, cut);
  // The expression's "." stops at line terminators: a head holding one could never have matched.
  if (/[\n\r\u2028\u2029]/.test(head)) return null;
  const m = TRAILING_PHONE.exec(raw.slice(cut));
  if (!m?.[1] || !m[2]) return null;
  let name = head + m[1];
  if (!/\p{L}/u.test(name)) return null;
  // Separators before the phone belong to neither (a loop: `/[…]+$/` is quadratic on a long run).
  let end = name.length;
  while (end > 0 && NAME_END.test(name.charAt(end - 1))) end--;
  name = name.slice(0, end);
  return { name, phone: m[2] };
}

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
      const found = trailingPhone(raw);
      if (found) ({ name, phone } = found);
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
 * and the alert addresses (e-mail, Telegram, Zalo: docs/ALERTS.md) recorded for the same name.
 */
export function mergeContacts(existing: readonly Contact[], sheet: readonly SheetContact[]): Contact[] {
  const kept = new Map<string, Pick<Contact, 'organization' | 'email' | 'telegram' | 'zalo'>>();
  for (const c of existing) {
    if (c.role !== 'technician') continue;
    kept.set(fold(c.name), {
      ...(c.organization && { organization: c.organization }),
      ...(c.email !== undefined && { email: c.email }),
      ...(c.telegram !== undefined && { telegram: c.telegram }),
      ...(c.zalo !== undefined && { zalo: c.zalo }),
    });
  }
  const toContact = (s: SheetContact): Contact => ({
    name: s.name,
    role: 'technician',
    ...(s.phone !== undefined && { phone: s.phone }),
    ...kept.get(fold(s.name)),
  });
  const out: Contact[] = [];
  let next = 0;
  for (const c of existing) {
    if (c.role !== 'technician') out.push(c);
    else if (next < sheet.length) out.push(toContact(sheet[next++] as SheetContact));
  }
  for (; next < sheet.length; next++) out.push(toContact(sheet[next] as SheetContact));
  return out;
}
