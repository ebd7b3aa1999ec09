// Who to call: every phone number with the person named before it ("đồng chí Lê Văn Hùng, Phó Giám
// đốc Trung tâm Công báo - Tin học, điện thoại 0913 294 787"). A number with no name before it
// (a second number of the same person, a switchboard) is not a contact of its own.
import type { InvitationContact } from '../../shared/invitation';
import { spend } from '../parsing/work';
import { sentenceAt, snippet, type InvitationDoc } from './document';
import { trimClause, trimEndOf } from './text';

const PHONE =
  /(?<![\d.])(?:\+84[ .-]?(?:\(0\)\s?)?[1-9](?:[ .-]?\d){8,9}|\(02\d{1,2}\)\s?\d(?:[ .-]?\d){6,7}|02(?:[ .-]?\d){9}|0[3-9](?:[ .-]?\d){8}|1[89]00(?:[ .-]?\d){4,6})(?![\d])/g;
// Case matters: "Anh" inside "Trần Anh Tuấn" is a name, "anh" before one is a form of address.
const HONORIFIC =
  /(?:^|[^\p{L}])(?:[Đđ]ồng chí|[Đđ]\/[Cc]|ông|Ông|bà|Bà|anh|chị|[Ll]iên hệ(?: với)?)\s*:?\s+(?=\p{Lu})/gu;
const NAME_WORD = /^\p{Lu}\p{Ll}*$/u;
const NOT_NAME =
  /^(?:Phó|Giám|Trưởng|Chánh|Chuyên|Cán|Kỹ|Sở|Phòng|Ban|Viễn|Bưu|Điện|Số|Đài|Báo|Tỉnh|Huyện|Ủy|Uỷ|UBND|VNPT|Viettel)$/u;
const OFFICE_START = /^(?:Trung|Văn|Công|Hội|Đảng|Bộ|Cục|Chi|Nhà|Tổng|Liên)$/u;
// The label just before a number. Matched on the last LABEL_TAIL characters only: unanchored at its
// start, the expression would retry a long run of separators from each of its positions.
const PHONE_LABEL =
  /[\s,(–-]*(?:số\s+)?(?:điện thoại|đt|sđt|đtdđ|dđ|di động|tel|mobile|hotline)(?:\s+(?:di động|cơ quan))?\s*[:.]?\s*$/iu;
const LABEL_TAIL = 48;
const LABEL_LEAD = /[\s,(–-]/;

/** `s` without the phone label at its end (and the separators before it). */
function withoutPhoneLabel(s: string): string {
  const from = Math.max(0, s.length - LABEL_TAIL);
  spend(s.length - from);
  const m = PHONE_LABEL.exec(s.slice(from));
  if (!m) return s;
  let cut = from + m.index;
  // The separators before the label belong to it, however many there are.
  while (cut > 0 && LABEL_LEAD.test(s.charAt(cut - 1))) cut--;
  spend(from + m.index - cut);
  return s.slice(0, cut);
}
// "Phó Trưởng phòng Kỹ thuật, Trung tâm …" works in "Phòng Kỹ thuật, Trung tâm …".
const HEAD_OF = /^(?:phó\s+)?(?:trưởng|chánh)\s+(phòng|ban|văn phòng)\s+/iu;
const POSITION =
  /^(?:phó\s+)?(?:giám đốc|trưởng phòng|trưởng ban|chánh văn phòng|chuyên viên|cán bộ(?: kỹ thuật)?|kỹ thuật viên|nhân viên|trưởng|phó)\s+/iu;

/** Digits only, in domestic form: "+84 913 294 787" → "0913294787". */
export function phoneDigits(written: string): string {
  const digits = written.replace(/\D/g, '');
  return written.trim().startsWith('+84') ? `0${digits.slice(2)}` : digits;
}

function nameAt(text: string): { name: string; length: number } | null {
  const words: { word: string; end: number }[] = [];
  for (const m of text.matchAll(/\S+/gu)) {
    spend(m[0].length);
    const word = trimEndOf(m[0], ',;.()');
    if (!NAME_WORD.test(word)) {
      // Every syllable of a name is capitalised: a capitalised word running into a lower-case one
      // starts an office instead ("Trung tâm", "Văn phòng", "Công ty").
      const last = words[words.length - 1];
      if (last && /^\p{Ll}/u.test(m[0]) && OFFICE_START.test(last.word)) words.pop();
      break;
    }
    if (NOT_NAME.test(word) || words.length === 5) break;
    words.push({ word, end: m.index + word.length });
    if (word !== m[0]) break; // punctuation after the word ends the name
  }
  const last = words[words.length - 1];
  return last && words.length >= 2 ? { name: words.map((w) => w.word).join(' '), length: last.end } : null;
}

/** Drops a bracket left open or closed by cutting "(Phòng CNTT, Văn phòng Tỉnh ủy), di động …". */
function balance(s: string): string {
  const open = (s.match(/\(/g) ?? []).length;
  const close = (s.match(/\)/g) ?? []).length;
  if (open < close && s.endsWith(')')) return trimClause(s.slice(0, -1));
  if (open > close && s.startsWith('(')) return trimClause(s.slice(1));
  return s;
}

export function readContacts(doc: InvitationDoc): { contacts: InvitationContact[]; evidence: string[] } {
  const contacts: InvitationContact[] = [];
  const evidence: string[] = [];
  let prevEnd = 0;
  for (const p of doc.text.matchAll(PHONE)) {
    const sentence = sentenceAt(doc, p.index);
    const from = Math.max(prevEnd, sentence.start);
    prevEnd = p.index + p[0].length;
    const phone = phoneDigits(p[0]);
    if (phone.length < 8 || contacts.some((c) => c.phone === phone)) continue;
    // Windows of successive numbers do not overlap (each starts where the previous number ended), so
    // all of them together cost at most the text once.
    spend(p.index - from + 1);
    const before = doc.text.slice(from, p.index);
    const intro = [...before.matchAll(HONORIFIC)].pop();
    if (!intro) continue;
    const nameFrom = intro.index + intro[0].length;
    const name = nameAt(before.slice(nameFrom));
    if (!name) continue;
    const org = trimClause(
      withoutPhoneLabel(before.slice(nameFrom + name.length))
        .replace(/^[\s,(–-]+/, '')
        .replace(HEAD_OF, (_, unit: string) => `${unit.charAt(0).toLocaleUpperCase('vi')}${unit.slice(1)} `)
        .replace(POSITION, '')
        .replace(/^thuộc\s+/iu, ''),
    );
    const organization = balance(org);
    contacts.push({ name: name.name, organization: organization === '' ? null : organization.slice(0, 200), phone });
    evidence.push(snippet(doc, { start: from + intro.index, end: prevEnd }).replace(/^[^\p{L}]+/u, ''));
    if (contacts.length === 20) break;
  }
  return { contacts, evidence };
}
