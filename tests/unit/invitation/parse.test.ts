import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { stepsOf } from '../../../server/parsing/work';
import { describe, expect, it } from 'vitest';
import { InvitationDraft } from '../../../shared/invitation';
import { parseInvitation, parseInvitationText } from '../../../server/invitation/parse';
import { normalizeText, unwrapLines } from '../../../server/invitation/text';

const DIR = join(import.meta.dirname, '../../fixtures/invitations');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');
const files = Object.keys(expected);

const DRAFT_KEYS = [
  'kind',
  'title',
  'start',
  'startDate',
  'lineTest',
  'registrationDeadline',
  'levels',
  'venue',
  'contacts',
];

describe('invitation parser: fixtures', () => {
  it('has an expectation for every fixture, and at least 6 written ones with every field', () => {
    const txt = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
    expect(files.toSorted()).toEqual(txt.toSorted());
    const full = files.filter((f) => DRAFT_KEYS.every((k) => k in (expected[f] as object)));
    expect(full.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(`reads ${file}`, () => {
      const draft = parseInvitationText(read(file));
      const listed = Object.fromEntries(
        Object.keys(expected[file] as object).map((k) => [k, draft[k as keyof InvitationDraft]]),
      );
      expect(listed).toEqual(expected[file]);
    });
  }

  for (const file of files) {
    it(`gives ${file} in the exact draft shape, with evidence taken from the document`, () => {
      const text = read(file);
      const { draft, evidence } = parseInvitation(text);
      expect(Object.keys(draft)).toEqual(DRAFT_KEYS);
      expect(InvitationDraft.parse(draft)).toEqual(draft);
      const source = unwrapLines(normalizeText(text)).replace(/\s+/g, ' ');
      const pieces = Object.values(evidence).flatMap((e) => (Array.isArray(e) ? e : [e]));
      const parts = pieces.flatMap((p) => p.split('\n')).map((p) => p.replace(/^…|…$/g, ''));
      expect(parts.filter((p) => !source.includes(p))).toEqual([]);
      // Every stated value is backed by a snippet; nothing is backed that was not stated.
      const keys = ['start', 'startDate', 'lineTest', 'registrationDeadline', 'venue'] as const;
      expect(keys.map((k) => evidence[k] !== undefined)).toEqual(keys.map((k) => draft[k] !== null));
      expect(evidence.contacts?.length ?? 0).toBe(draft.contacts.length);
      expect((evidence.levels?.length ?? 0) > 0).toBe(draft.levels.length > 0);
    });
  }

  for (const file of files) {
    it(`reads ${file} the same in NFD, with CRLF and with doubled spaces`, () => {
      const text = read(file);
      const want = parseInvitationText(text);
      expect(parseInvitationText(text.normalize('NFD'))).toEqual(want);
      expect(parseInvitationText(text.normalize('NFC').replace(/\r?\n/g, '\r\n'))).toEqual(want);
      expect(parseInvitationText(text.replace(/ /g, '  '))).toEqual(want);
    });
  }

  it('never gives an in-person meeting connection points, a line test or point lists', () => {
    const inPerson = files.map((f) => parseInvitationText(read(f))).filter((d) => d.kind === 'in-person');
    expect(inPerson.length).toBeGreaterThanOrEqual(3);
    expect(inPerson.map((d) => [d.levels, d.lineTest, d.registrationDeadline])).toEqual(
      inPerson.map(() => [[], null, null]),
    );
  });
});

describe('invitation parser: phrasings', () => {
  it('reads a document typed without diacritics', () => {
    const d = parseInvitationText(
      [
        'GIAY MOI',
        'Hoi nghi truc tuyen tong ket nam 2024',
        '1. Thoi gian: 8 gio 00 phut, ngay 10/01/2025.',
        '2. Dia diem: Diem cau tinh: Phong hop so 2, UBND tinh; diem cau cac xa, phuong: UBND xa, phuong.',
        'Chay thu duong truyen luc 15h00 ngay 09/01/2025.',
      ].join('\n'),
    );
    expect(d).toMatchObject({
      kind: 'online',
      start: '2025-01-10T08:00:00+07:00',
      lineTest: '2025-01-09T15:00:00+07:00',
      levels: ['province', 'commune'],
      venue: 'Phong hop so 2, UBND tinh',
    });
  });

  it('does not take a deadline next to the line test for the line test', () => {
    const d = parseInvitationText(
      'Hội nghị trực tuyến. Thời gian: 8h00 ngày 10/5/2024. Các huyện gửi báo cáo trước 16h00 ngày 08/5/2024, ' +
        'sau đó chạy thử đường truyền.\nViễn thông tỉnh chạy thử đường truyền lúc 14h30 ngày 09/5/2024.',
    );
    expect(d.lineTest).toBe('2024-05-09T14:30:00+07:00');
    expect(d.registrationDeadline).toBeNull();
  });

  it('reads a line test given relative to the session', () => {
    const base = 'Hội nghị trực tuyến.\n1. Thời gian: 14 giờ 00 ngày 01/3/2024.\n';
    expect(parseInvitationText(`${base}Chạy thử kỹ thuật lúc 8h00 sáng cùng ngày.`).lineTest).toBe(
      '2024-03-01T08:00:00+07:00',
    );
    expect(parseInvitationText(`${base}Chạy thử kỹ thuật lúc 16h00 ngày hôm trước.`).lineTest).toBe(
      '2024-02-29T16:00:00+07:00',
    );
    // No date and nothing relative: no line test rather than a guess.
    expect(parseInvitationText(`${base}Chạy thử kỹ thuật lúc 16h00.`).lineTest).toBeNull();
  });

  it('does not take "những điểm cần lưu ý" for connection points', () => {
    const d = parseInvitationText(
      'KẾ HOẠCH\nGặp mặt đầu xuân\nThời gian: ngày 02/02/2025.\nMột số điểm cần lưu ý khi dự.',
    );
    expect(d.kind).toBe('in-person');
    expect(d.levels).toEqual([]);
  });

  it('skips the issuing line and document references when there is no "Thời gian" section', () => {
    const d = parseInvitationText(
      'Hà Tĩnh, ngày 01 tháng 3 năm 2022\nTHÔNG BÁO\nThực hiện Công văn số 12/UBND ngày 20/02/2022, ' +
        'Ủy ban nhân dân tỉnh tổ chức Hội nghị trực tuyến vào lúc 14 giờ 00 ngày 10/3/2022 tại Phòng họp số 1.',
    );
    expect(d.start).toBe('2022-03-10T14:00:00+07:00');
    expect(d.venue).toBe('Phòng họp số 1');
  });

  it('does not take online services or negations for an online meeting', () => {
    const d = parseInvitationText(
      'GIẤY MỜI\nHội nghị tổng kết công tác cải cách hành chính\n1. Thời gian: 8h00 ngày 15/01/2025.\n' +
        '2. Địa điểm: Hội trường UBND tỉnh.\nNội dung: kết quả cung cấp dịch vụ công trực tuyến toàn trình; ' +
        'Hội nghị không tổ chức điểm cầu tại các huyện.',
    );
    expect(d).toMatchObject({ kind: 'in-person', levels: [], venue: 'Hội trường UBND tỉnh' });
  });

  it('does not take another "Thời gian …:" line for the start', () => {
    const d = parseInvitationText(
      'Hội nghị trực tuyến.\n- Thời gian đăng ký điểm cầu: trước 16h00 ngày 10/01/2025.\n' +
        '- Thời gian chạy thử: 15h00 ngày 14/01/2025.\n- Thời gian: 8h00 ngày 15/01/2025.',
    );
    expect(d.start).toBe('2025-01-15T08:00:00+07:00');
    expect(d.lineTest).toBe('2025-01-14T15:00:00+07:00');
    expect(d.registrationDeadline).toBe('2025-01-10T16:00:00+07:00');
  });

  it('takes no deadline for the point lists from a sentence that only names the department', () => {
    const d = parseInvitationText(
      'Hội nghị trực tuyến.\n1. Thời gian tổ chức: 8h00 ngày 15/01/2025.\n' +
        'Sở Thông tin và Truyền thông bảo đảm đường truyền tại các điểm cầu trước 7h00 ngày 15/01/2025.',
    );
    expect(d.start).toBe('2025-01-15T08:00:00+07:00');
    expect(d.registrationDeadline).toBeNull();
  });

  it('reads the main point written "Điểm cầu chính tại …"', () => {
    const d = parseInvitationText(
      'Hội nghị trực tuyến\n1. Thời gian: 14 giờ ngày 3/9/2025.\n' +
        '2. Địa điểm: Điểm cầu chính tại Hội trường Tỉnh ủy; điểm cầu các xã, phường tại trụ sở Đảng ủy.',
    );
    expect(d).toMatchObject({ venue: 'Hội trường Tỉnh ủy', levels: ['commune'], start: '2025-09-03T14:00:00+07:00' });
  });

  it('reads contacts written in different ways', () => {
    const d = parseInvitationText(
      'Liên hệ: đồng chí Trần Anh Tuấn, Trung tâm Công báo - Tin học, ĐT: 0913 294 787; ' +
        'Đ/c Lê Thị Mai (Viễn thông tỉnh) – SĐT 0982.111.222 hoặc 0982 111 333; ' +
        'ông Hồ Văn Nam Trung tâm Điều hành thông minh, di động +84 903 123 456.',
    );
    expect(d.contacts).toEqual([
      { name: 'Trần Anh Tuấn', organization: 'Trung tâm Công báo - Tin học', phone: '0913294787' },
      { name: 'Lê Thị Mai', organization: 'Viễn thông tỉnh', phone: '0982111222' },
      { name: 'Hồ Văn Nam', organization: 'Trung tâm Điều hành thông minh', phone: '0903123456' },
    ]);
  });

  it('gives an empty draft, not an error, for text with nothing in it', () => {
    expect(parseInvitationText('')).toEqual({
      kind: 'in-person',
      title: '',
      start: null,
      startDate: null,
      lineTest: null,
      registrationDeadline: null,
      levels: [],
      venue: null,
      contacts: [],
    });
  });
});

describe('invitation parser: bounds', () => {
  it('reads a long text without full stops in linear time', () => {
    const clause =
      'điểm cầu tỉnh lúc 8h00 ngày 6/3/2022 đồng chí Lê Văn An 0913 294 787 chạy thử đường truyền trước 16 giờ';
    const text = (n: number) => Array.from({ length: n }, () => clause).join(' ');
    // Counted work, not time (server/parsing/work.ts): twice the text, at most ~twice the work.
    const small = stepsOf(() => parseInvitationText(text(1500)));
    let d: ReturnType<typeof parseInvitationText> | undefined;
    const large = stepsOf(() => (d = parseInvitationText(text(3000))));
    expect(large / small).toBeLessThan(2.5);
    expect(d!.kind).toBe('online');
  });
});

describe('invitation parser: properties', () => {
  const WORDS = [
    'GIẤY MỜI',
    'Thời gian:',
    'Địa điểm:',
    'Hình thức:',
    'điểm cầu',
    'Điểm cần',
    'tỉnh',
    'huyện',
    'xã',
    ',',
    ':',
    ';',
    '.',
    ' ',
    ' ',
    '\n',
    '- ',
    '1. ',
    'trực tuyến',
    'trực tiếp',
    'không',
    'chạy thử đường truyền',
    'trước',
    'chậm nhất',
    'danh sách',
    'lúc',
    '08h00',
    '14 giờ 30',
    'ngày',
    '06/3/2022',
    '30 tháng 9 năm 2021',
    'ngày 24/11',
    'hôm trước',
    'tại Hội trường',
    'đồng chí',
    'Lê Văn An',
    '0913 294 787',
    '+84 913 294 787',
    '(',
    ')',
    '…',
  ];
  const docLike = fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }).map((w) => w.join(''));

  it('never throws and always gives a valid draft', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), docLike), (text) => {
        const { draft, evidence } = parseInvitation(text);
        expect(InvitationDraft.parse(draft)).toEqual(draft);
        expect(draft.kind === 'online' || draft.levels.length === 0).toBe(true);
        expect(evidence.contacts?.length ?? 0).toBe(draft.contacts.length);
      }),
      { numRuns: 1500 },
    );
  });
});
