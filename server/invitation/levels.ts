// Which administrative levels take part as connection points, read from the lists that follow
// "điểm cầu": "Điểm cầu huyện, thành phố, thị xã:", "tại điểm cầu cấp huyện, cấp xã", "điểm cầu các
// xã, phường, đặc khu". Since July 2025 most provinces have no district level, so nothing is implied:
// a level is in only when the document names it.
import type { Level } from '../../shared/schemas';
import { LEVELS } from '../../shared/schemas';
import { spend } from '../parsing/work';
import { sentenceAt, snippet, type InvitationDoc } from './document';

/** "điểm cầu", also mistyped "điểm cần" (folded); callers decide whether a typo counts. */
export const POINT_WORD = /diem\s?ca([un])(?![a-z])/g;

const FILLER =
  /^(?:\s+|,|\/|-|–|va(?![a-z])|cac(?![a-z])|cua(?![a-z])|tai(?![a-z])|o(?![a-z])|thuoc(?![a-z])|toan(?![a-z])|truc tuyen(?![a-z])|\d+(?![a-z\d])|ubnd(?![a-z])|uy ban nhan dan(?![a-z])|dang uy(?![a-z])|cap(?![a-z]))/;
const LEVEL_WORDS: [RegExp, Level][] = [
  [/^(?:thi tran|xa|phuong|dac khu|co so)(?![a-z])/, 'commune'],
  [/^(?:thi xa|thanh pho|quan|huyen)(?:\s?uy)?(?![a-z])/, 'district'],
  [/^(?:thanh|thi)\s?uy(?![a-z])/, 'district'],
  [/^tinh(?:\s?uy)?(?![a-z])/, 'province'],
];

/**
 * Levels named right after position `from` in the folded text, up to the first other word. At most
 * 40 words, each tried against anchored expressions on a 40-character window: bounded per call.
 */
export function levelsAfter(folded: string, from: number): Set<Level> {
  const found = new Set<Level>();
  let at = from;
  for (let steps = 0; steps < 40 && at < folded.length; steps++) {
    spend(1);
    const rest = folded.slice(at, at + 40);
    const level = LEVEL_WORDS.find(([re]) => re.test(rest));
    if (level) {
      found.add(level[1]);
      at += (level[0].exec(rest) as RegExpExecArray)[0].length;
      continue;
    }
    const filler = FILLER.exec(rest);
    if (!filler) break;
    at += filler[0].length;
  }
  return found;
}

export interface PointMention {
  index: number;
  end: number;
  levels: Set<Level>;
  typo: boolean;
}

const mentions = new WeakMap<InvitationDoc, PointMention[]>();

/** Every "điểm cầu" with the levels named after it; computed once per document (two readers ask). */
export function pointMentions(doc: InvitationDoc): PointMention[] {
  let found = mentions.get(doc);
  if (!found) {
    found = findPointMentions(doc);
    mentions.set(doc, found);
  }
  return found;
}

function findPointMentions(doc: InvitationDoc): PointMention[] {
  spend(doc.folded.length);
  return [...doc.folded.matchAll(POINT_WORD)].map((m) => ({
    index: m.index,
    end: m.index + m[0].length,
    levels: levelsAfter(doc.folded, m.index + m[0].length),
    typo: m[1] === 'n',
  }));
}

export function readLevels(doc: InvitationDoc): { levels: Level[]; evidence: string[] } {
  const found = new Set<Level>();
  const evidence: string[] = [];
  for (const m of pointMentions(doc)) {
    // Evidence is the mention that first named each level, not every repetition.
    if (![...m.levels].some((l) => !found.has(l))) continue;
    for (const l of m.levels) found.add(l);
    const s = snippet(doc, sentenceAt(doc, m.index, true));
    if (!evidence.includes(s)) evidence.push(s);
  }
  return { levels: LEVELS.filter((l) => found.has(l)), evidence };
}
