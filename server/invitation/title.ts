// The title is the block under the document type ("GIẤY MỜI", "KẾ HOẠCH", "THÔNG BÁO"…), or the
// subject line of an official letter ("V/v …"). Wrapped title lines were already joined.
import { spend } from '../parsing/work';
import type { InvitationDoc } from './document';

const DOC_TYPE = /^(?:giay moi(?: hop| du)?|thu moi|ke hoach|thong bao|giay trieu tap|chuong trinh)$/;
const SUBJECT = /^(?:v\/v|ve viec)[\s:.]+/;
const NOT_TITLE = /^(?:kinh gui|can cu|thuc hien|trien khai|so:|\d+[.)]|[ivx]+\.)/;
const MAX = 300;

function clip(s: string): string {
  if (s.length <= MAX) return s;
  const cut = s.slice(0, MAX - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX / 2)).trimEnd()}…`;
}

/** "Về việc tổ chức Hội nghị …" → "Tổ chức Hội nghị …". */
function subjectless(s: string): string {
  const m = /^(?:v\/v|về việc)[\s:.]+/iu.exec(s);
  if (!m) return s;
  const rest = s.slice(m[0].length);
  return rest.charAt(0).toLocaleUpperCase('vi') + rest.slice(1);
}

// Each line is tested by anchored expressions (DOC_TYPE, SUBJECT, NOT_TITLE) or one literal search:
// a few passes over the text in all.
export function readTitle(doc: InvitationDoc): { title: string; evidence?: string } {
  spend(doc.text.length * 4);
  const lines = doc.text.split('\n');
  const folded = doc.folded.split('\n');
  const typeAt = folded.findIndex((l) => DOC_TYPE.test(l.trim()));
  if (typeAt !== -1) {
    const parts: string[] = [];
    for (let i = typeAt + 1; i < lines.length && parts.length < 3; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') {
        if (parts.length > 0) break;
        continue;
      }
      if (NOT_TITLE.test((folded[i] as string).trim())) break;
      parts.push(line);
    }
    if (parts.length > 0) {
      const title = clip(subjectless(parts.join(' ')));
      return { title, evidence: [lines[typeAt], ...parts].join('\n') };
    }
  }
  const subject = folded.findIndex((l) => SUBJECT.test(l));
  if (subject !== -1) {
    const line = lines[subject] as string;
    const title = clip(subjectless(line.trim()));
    if (title) return { title, evidence: line };
  }
  let at = folded.findIndex((l) => /hoi nghi/.test(l));
  if (at === -1) at = lines.findIndex((l) => l.trim() !== '');
  const first = lines[at]?.trim();
  return first ? { title: clip(first), evidence: first } : { title: '' };
}
