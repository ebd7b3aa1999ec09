// The invitation review form's rules (client/src/lib/meetingDraft.ts): draft → form → Meeting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Code, Meeting } from '../../../shared/schemas';
import type { InvitationDraft } from '../../../shared/invitation';
import { parseInvitation } from '../../../server/invitation';
import {
  fieldErrorsOf,
  formFromDraft,
  meetingFromForm,
  meetingId,
  updateForm,
  vnInstant,
} from '../../../client/src/lib/meetingDraft';
import { MESSAGES } from '../../../client/src/i18n';

const INVITATIONS = join(import.meta.dirname, '..', '..', 'fixtures', 'invitations');
const draftOf = (file: string): InvitationDraft => parseInvitation(readFileSync(join(INVITATIONS, file), 'utf8')).draft;
const messages = MESSAGES.vi.admin.invitation;

describe('draft → form → meeting', () => {
  it('fills the form from a real invitation: times in Vietnam, planned end start + 3 h 30, id from title and date', () => {
    const form = formFromDraft(draftOf('giay-moi-doi-thoai-phu-nu-2022.txt'));
    expect(form).toMatchObject({
      kind: 'online',
      startDate: '2022-03-06',
      startTime: '08:00',
      lineTestDate: '2022-03-05',
      lineTestTime: '15:00',
      lineTestMin: '120',
      endDate: '2022-03-06',
      endTime: '11:30',
      levels: ['province', 'district', 'commune'],
      id: 'doi-thoai-thuong-truc-tinh-uy-voi-can-bo-20220306',
    });
    const built = meetingFromForm(form, messages);
    expect(built).toEqual({
      meeting: {
        id: 'doi-thoai-thuong-truc-tinh-uy-voi-can-bo-20220306',
        title: form.title,
        host: null,
        lineTest: { start: '2022-03-05T15:00:00.000+07:00', durationMin: 120 },
        session: { start: '2022-03-06T08:00:00.000+07:00', plannedEnd: '2022-03-06T11:30:00.000+07:00' },
        participants: { levels: ['province', 'district', 'commune'], units: [], points: [] },
      },
    });
    expect(Meeting.safeParse('meeting' in built ? built.meeting : null).success).toBe(true);
  });

  it('a two-level invitation takes part with province and commune points only', () => {
    const form = formFromDraft(draftOf('giay-moi-quang-tri-2025-hai-cap.txt'));
    expect(form.levels).toEqual(['province', 'commune']);
    expect(form.contacts).toHaveLength(2);
    expect(form.id).toBe('danh-gia-tinh-hinh-van-hanh-chinh-quyen-20250815');
  });

  it('leaves the time empty when the document gives a date only, and asks for it', () => {
    const form = formFromDraft(draftOf('ke-hoach-doi-thoai-thai-nguyen-2023.txt'));
    expect(form).toMatchObject({ kind: 'in-person', startDate: '2023-10-13', startTime: '', endDate: '', endTime: '' });
    const built = meetingFromForm(form, messages);
    expect('errors' in built && built.errors).toMatchObject({ start: messages.required, lineTest: messages.required });
  });

  it('shortens the default line test when the document leaves less time before the session', () => {
    const draft = draftOf('giay-moi-doi-thoai-phu-nu-2022.txt');
    const form = formFromDraft({ ...draft, lineTest: '2022-03-06T07:15:00+07:00' });
    expect(form.lineTestMin).toBe('45');
  });
});

describe('editing', () => {
  const base = formFromDraft(draftOf('giay-moi-doi-thoai-phu-nu-2022.txt'));

  it('moves the id with the title and date, and the planned end with the start, until edited by hand', () => {
    const moved = updateForm(updateForm(base, { title: 'Hội nghị trực tuyến sơ kết quý I' }), { startTime: '14:00' });
    expect(moved.id).toBe('so-ket-quy-i-20220306');
    expect([moved.endDate, moved.endTime]).toEqual(['2022-03-06', '17:30']);
    const pinned = updateForm(updateForm(moved, { id: 'my-id', endTime: '18:00' }), {
      title: 'Khác',
      startTime: '09:00',
    });
    expect(pinned).toMatchObject({ id: 'my-id', endTime: '18:00' });
  });

  it('refuses impossible dates, durations and no level', () => {
    const built = meetingFromForm(
      { ...base, startDate: '2022-02-30', lineTestMin: '0', levels: [], endTime: '' },
      messages,
    );
    expect('errors' in built && built.errors).toEqual({
      start: messages.badDateTime,
      lineTestMin: messages.badDuration,
      levels: messages.noLevels,
      end: messages.required,
    });
  });

  it('puts server field errors next to their fields', () => {
    expect(
      fieldErrorsOf(
        {
          'session.plannedEnd': 'must be after session.start',
          lineTest: 'line test must end before the session starts',
          'meetings[x].host': 'unknown point "Z"',
          id: 'use letters',
        },
        'fallback',
      ),
    ).toEqual({
      end: 'must be after session.start',
      lineTest: 'line test must end before the session starts',
      host: 'unknown point "Z"',
      id: 'use letters',
    });
    expect(fieldErrorsOf({}, 'fallback')).toEqual({ form: 'fallback' });
  });
});

describe('meeting ids and times', () => {
  it('makes valid, short codes from any title', () => {
    for (const title of ['', '!!!', 'Hội nghị trực tuyến', 'Đắk Lắk — “quý IV”', 'x'.repeat(300)]) {
      const id = meetingId(title, '2026-03-06');
      expect(Code.safeParse(id).success).toBe(true);
      expect(id.length).toBeLessThanOrEqual(50);
      expect(id.endsWith('-20260306')).toBe(true);
    }
  });

  it('reads wall-clock inputs as Vietnamese time whatever the zone of the browser', () => {
    expect(vnInstant('2026-03-06', '08:00')).toBe(Date.parse('2026-03-06T01:00:00Z'));
    expect(vnInstant('2026-03-06', '')).toBeNull();
    expect(vnInstant('2026-02-29', '08:00')).toBeNull();
  });
});
