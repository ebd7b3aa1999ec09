// Invitation text → draft meeting. Pure: the same text always gives the same draft, and nothing
// is invented: a field the document does not state stays null (or empty).
import type { InvitationDraft, InvitationEvidence, ParsedInvitation } from '../../shared/invitation';
import { readContacts } from './contacts';
import { readDocument } from './document';
import { readKind } from './kind';
import { readLevels } from './levels';
import { readLineTest, readRegistrationDeadline, readStart } from './times';
import { readTitle } from './title';
import { readVenue } from './venue';

export function parseInvitation(text: string): ParsedInvitation {
  const doc = readDocument(text);
  const evidence: InvitationEvidence = {};
  const kind = readKind(doc);
  if (kind.evidence) evidence.kind = kind.evidence;
  const title = readTitle(doc);
  if (title.evidence) evidence.title = title.evidence;

  const start = readStart(doc);
  if (start.start) evidence.start = start.start.evidence;
  if (start.startDate) evidence.startDate = start.startDate.evidence;

  const online = kind.kind === 'online';
  // An in-person meeting has no connection points, hence no line test and no point lists.
  const lineTest = online ? readLineTest(doc, start.date) : null;
  if (lineTest) evidence.lineTest = lineTest.evidence;
  const deadline = online ? readRegistrationDeadline(doc, start.date) : null;
  if (deadline) evidence.registrationDeadline = deadline.evidence;
  const levels = online ? readLevels(doc) : { levels: [], evidence: [] };
  if (levels.evidence.length > 0) evidence.levels = levels.evidence;

  const venue = readVenue(doc, start.span);
  if (venue.evidence) evidence.venue = venue.evidence;
  const contacts = readContacts(doc);
  if (contacts.evidence.length > 0) evidence.contacts = contacts.evidence;

  const draft: InvitationDraft = {
    kind: kind.kind,
    title: title.title,
    start: start.start?.value ?? null,
    startDate: start.startDate?.value ?? null,
    lineTest: lineTest?.value ?? null,
    registrationDeadline: deadline?.value ?? null,
    levels: levels.levels,
    venue: venue.venue,
    contacts: contacts.contacts,
  };
  return { draft, evidence };
}

/** The draft alone, exactly the InvitationDraft shape. */
export function parseInvitationText(text: string): InvitationDraft {
  return parseInvitation(text).draft;
}
