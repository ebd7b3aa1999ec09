// The invitation review form: a draft (what the document said, nulls where it said nothing) → form
// fields a technician edits → the Meeting to create. Times are Vietnamese wall-clock, whatever the
// browser's zone: inputs hold "YYYY-MM-DD" and "HH:mm", instants are written with +07:00.
import type { InvitationContact, InvitationDraft, InvitationKind } from '../../../shared/invitation';
import type { Level, Meeting } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { fold } from './fold';

export const DEFAULT_SESSION_MIN = 3 * 60 + 30;
export const DEFAULT_LINE_TEST_MIN = 120;

export interface MeetingForm {
  kind: InvitationKind;
  id: string;
  /** The id was typed by hand: stop deriving it from the title and date. */
  idEdited: boolean;
  title: string;
  startDate: string;
  startTime: string;
  lineTestDate: string;
  lineTestTime: string;
  lineTestMin: string;
  endDate: string;
  endTime: string;
  /** The planned end was typed by hand: stop moving it with the start. */
  endEdited: boolean;
  levels: Level[];
  host: string;
  venue: string;
  contacts: InvitationContact[];
}

export type FormField = 'id' | 'title' | 'start' | 'lineTest' | 'lineTestMin' | 'end' | 'levels' | 'host' | 'form';
export type FieldErrors = Partial<Record<FormField, string>>;

const MIN = 60_000;

/** "2022-03-06T08:00:00+07:00" → ["2022-03-06", "08:00"]. */
function split(instant: string | null): [string, string] {
  if (!instant) return ['', ''];
  const wire = toWireInstant(Date.parse(instant));
  return [wire.slice(0, 10), wire.slice(11, 16)];
}

/** ["2022-03-06", "08:00"] → ms, or null when either is missing or not a real date-time. */
export function vnInstant(date: string, time: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const ms = Date.parse(`${date}T${time}:00+07:00`);
  return Number.isNaN(ms) || toWireInstant(ms).slice(0, 16) !== `${date}T${time}` ? null : ms;
}

const STOP_PREFIX = /^(?:du|to chuc|hoi nghi|truc tuyen|ve|cua)\s+/;

/** `doi-thoai-voi-phu-nu-20220306`: the title's words without the usual "Hội nghị trực tuyến", and the date. */
export function meetingId(title: string, date: string): string {
  let words = fold(title)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  for (let prev = ''; prev !== words;) {
    prev = words;
    words = words.replace(STOP_PREFIX, '');
  }
  let stem = words.split(' ').filter(Boolean).join('-');
  if (stem.length > 40) stem = stem.slice(0, 41).replace(/-[^-]*$/, '') || stem.slice(0, 40);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? date.replace(/-/g, '') : '';
  return [stem || 'hoi-nghi', day].filter(Boolean).join('-');
}

function plannedEnd(startDate: string, startTime: string): [string, string] {
  const start = vnInstant(startDate, startTime);
  return start === null ? ['', ''] : split(toWireInstant(start + DEFAULT_SESSION_MIN * MIN));
}

export function formFromDraft(draft: InvitationDraft): MeetingForm {
  const [startDate, startTime] = draft.start ? split(draft.start) : [draft.startDate ?? '', ''];
  const [lineTestDate, lineTestTime] = split(draft.lineTest);
  const [endDate, endTime] = plannedEnd(startDate, startTime);
  // The line test must end before the session: shorten the default when the document leaves less.
  const start = vnInstant(startDate, startTime);
  const lineTest = vnInstant(lineTestDate, lineTestTime);
  const room = start !== null && lineTest !== null ? Math.floor((start - lineTest) / MIN) : DEFAULT_LINE_TEST_MIN;
  const lineTestMin = Math.max(1, Math.min(DEFAULT_LINE_TEST_MIN, room));
  return {
    kind: draft.kind,
    id: meetingId(draft.title, startDate),
    idEdited: false,
    title: draft.title,
    startDate,
    startTime,
    lineTestDate,
    lineTestTime,
    lineTestMin: String(lineTestMin),
    endDate,
    endTime,
    endEdited: false,
    levels: [...draft.levels],
    host: '',
    venue: draft.venue ?? '',
    contacts: draft.contacts.map((c) => ({ ...c })),
  };
}

/** A field changed: the derived fields (id, planned end) follow unless they were edited by hand. */
export function updateForm(form: MeetingForm, patch: Partial<MeetingForm>): MeetingForm {
  const next = { ...form, ...patch };
  if ('id' in patch) next.idEdited = true;
  if ('endDate' in patch || 'endTime' in patch) next.endEdited = true;
  if (!next.idEdited && ('title' in patch || 'startDate' in patch)) next.id = meetingId(next.title, next.startDate);
  if (!next.endEdited && ('startDate' in patch || 'startTime' in patch)) {
    [next.endDate, next.endTime] = plannedEnd(next.startDate, next.startTime);
  }
  return next;
}

export interface FormMessages {
  required: string;
  badDateTime: string;
  badDuration: string;
  noLevels: string;
}

/** The Meeting the form describes, or the fields to fix first (the server checks the rest). */
export function meetingFromForm(form: MeetingForm, m: FormMessages): { meeting: Meeting } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (form.id.trim() === '') errors.id = m.required;
  if (form.title.trim() === '') errors.title = m.required;
  const start = vnInstant(form.startDate, form.startTime);
  if (start === null) errors.start = form.startDate && form.startTime ? m.badDateTime : m.required;
  const lineTest = vnInstant(form.lineTestDate, form.lineTestTime);
  if (lineTest === null) errors.lineTest = form.lineTestDate && form.lineTestTime ? m.badDateTime : m.required;
  const end = vnInstant(form.endDate, form.endTime);
  if (end === null) errors.end = form.endDate && form.endTime ? m.badDateTime : m.required;
  const duration = Number(form.lineTestMin);
  if (!Number.isInteger(duration) || duration < 1 || duration > 24 * 60) errors.lineTestMin = m.badDuration;
  if (form.levels.length === 0) errors.levels = m.noLevels;
  if (Object.keys(errors).length > 0 || start === null || lineTest === null || end === null) return { errors };
  return {
    meeting: {
      id: form.id.trim(),
      title: form.title.trim(),
      host: form.host === '' ? null : form.host,
      lineTest: { start: toWireInstant(lineTest), durationMin: duration },
      session: { start: toWireInstant(start), plannedEnd: toWireInstant(end) },
      participants: { levels: form.levels, units: [], points: [] },
    },
  };
}

/** Server field paths (`session.plannedEnd`, `lineTest`, `participants.levels[0]`) → form fields. */
export function formFieldOf(path: string): FormField {
  if (path === 'id' || path.startsWith('meetings[')) return path.endsWith('.host') ? 'host' : 'id';
  if (path === 'title') return 'title';
  if (path === 'host') return 'host';
  if (path.startsWith('session.plannedEnd')) return 'end';
  if (path.startsWith('session')) return 'start';
  if (path === 'lineTest.durationMin') return 'lineTestMin';
  if (path.startsWith('lineTest')) return 'lineTest';
  if (path.startsWith('participants')) return 'levels';
  return 'form';
}

export function fieldErrorsOf(fields: Record<string, string>, fallback: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(fields)) {
    const f = formFieldOf(path);
    out[f] = out[f] ? `${out[f]}; ${message}` : message;
  }
  if (Object.keys(out).length === 0) out.form = fallback;
  return out;
}
