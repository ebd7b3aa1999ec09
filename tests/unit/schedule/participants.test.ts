import { describe, expect, it } from 'vitest';
import { participationIndex, resolveParticipants } from '../../../server/schedule/participants';
import { Meeting, Point, Unit, type Level, type Participants } from '../../../shared/schemas';

// Three-level province (before July 2025) and a two-level one (province → commune) side by side.
const units = [
  { id: 'QT', name: 'Tỉnh Quảng Trị', level: 'province', parent: null },
  { id: 'H1', name: 'Huyện Gio Linh', level: 'district', parent: 'QT' },
  { id: 'X1', name: 'Xã Gio Mỹ', level: 'commune', parent: 'H1' },
  { id: 'X2', name: 'Xã Gio An', level: 'commune', parent: 'H1' },
  { id: 'H2', name: 'Huyện Vĩnh Linh', level: 'district', parent: 'QT' },
  { id: 'X3', name: 'Xã Vĩnh Thủy', level: 'commune', parent: 'H2' },
  { id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'X9', name: 'Phường Thành Sen', level: 'commune', parent: 'HT' },
].map((u) => Unit.parse(u));

const pt = (code: string, level: Level, unit: string): Point =>
  Point.parse({ code, name: `Điểm cầu ${code}`, level, unit, targets: [{ kind: 'icmp', host: '127.0.0.1' }] });

const points = [
  pt('QT-TU', 'province', 'QT'),
  pt('H1-UB', 'district', 'H1'),
  pt('X1-UB', 'commune', 'X1'),
  pt('X2-UB', 'commune', 'X2'),
  pt('H2-UB', 'district', 'H2'),
  pt('X3-UB', 'commune', 'X3'),
  pt('HT-TU', 'province', 'HT'),
  pt('X9-UB', 'commune', 'X9'),
];

const meeting = (participants: Partial<Participants>, host: string | null = null, id = 'M1'): Meeting =>
  Meeting.parse({
    id,
    title: 'Hội nghị',
    host,
    lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 60 },
    session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:00:00+07:00' },
    participants,
  });

const resolve = (p: Partial<Participants>, host: string | null = null): string[] =>
  resolveParticipants(meeting(p, host), points, units);

describe('participants', () => {
  it('[SC6] levels alone select every point of those levels', () => {
    expect(resolve({ levels: ['province'] })).toEqual(['QT-TU', 'HT-TU']);
    expect(resolve({ levels: ['province', 'district'] })).toEqual(['QT-TU', 'H1-UB', 'H2-UB', 'HT-TU']);
  });

  it('[SC6] units select their own points and their descendants’, through any depth', () => {
    expect(resolve({ units: ['H1'] })).toEqual(['H1-UB', 'X1-UB', 'X2-UB']);
    expect(resolve({ units: ['QT'] })).toEqual(['QT-TU', 'H1-UB', 'X1-UB', 'X2-UB', 'H2-UB', 'X3-UB']);
    // Two-level province: commune directly under the province.
    expect(resolve({ units: ['HT'] })).toEqual(['HT-TU', 'X9-UB']);
  });

  it('[SC6] levels and units together: the levels within the units', () => {
    expect(resolve({ levels: ['commune'], units: ['QT'] })).toEqual(['X1-UB', 'X2-UB', 'X3-UB']);
    expect(resolve({ levels: ['commune', 'province'], units: ['H2', 'HT'] })).toEqual(['X3-UB', 'HT-TU', 'X9-UB']);
  });

  it('[SC6] explicit points and the host point are added; both lists empty select nothing else', () => {
    expect(resolve({})).toEqual([]);
    expect(resolve({ points: ['X3-UB', 'NOPE'] }, 'QT-TU')).toEqual(['QT-TU', 'X3-UB']);
    expect(resolve({ levels: ['district'], points: ['X9-UB'] }, 'H1-UB')).toEqual(['H1-UB', 'H2-UB', 'X9-UB']);
    // An unknown unit selects nothing, without error.
    expect(resolve({ units: ['GONE'] })).toEqual([]);
  });

  it('[SC6] a cycle in bad unit data does not hang', () => {
    const cyclic = [
      Unit.parse({ id: 'A', name: 'A', level: 'district', parent: 'B' }),
      Unit.parse({ id: 'B', name: 'B', level: 'district', parent: 'A' }),
    ];
    const ps = [pt('PA', 'district', 'A'), pt('PB', 'district', 'B')];
    expect(resolveParticipants(meeting({ units: ['A'] }), ps, cyclic)).toEqual(['PA', 'PB']);
  });

  it('[SC6] the participation index maps each point to its meetings', () => {
    const index = participationIndex(
      [meeting({ levels: ['province'] }, null, 'M1'), meeting({ units: ['H2'] }, 'QT-TU', 'M2')],
      points,
      units,
    );
    expect(Object.fromEntries(index)).toEqual({
      'QT-TU': ['M1', 'M2'],
      'HT-TU': ['M1'],
      'H2-UB': ['M2'],
      'X3-UB': ['M2'],
    });
  });
});
