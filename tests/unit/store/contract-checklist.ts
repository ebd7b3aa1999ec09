// The Store contract, continued: line-test checklist templates, marks with versions, the append-only
// history and roll-call captures (migration 3). Called from storeContract with its `fresh` maker.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECKLIST_ITEMS,
  DEFAULT_TEMPLATE_ID,
  ROLL_CALL_KEY,
  type ChecklistItemDef,
} from '../../../shared/checklist';
import type {
  ChecklistTemplateRow,
  MarkValue,
  MarkWrite,
  MeetingChecklistRow,
  RollCallCaptureRow,
} from '../../../server/store/types';
import type { Fresh } from './contract';

const items: ChecklistItemDef[] = [
  { key: 'am-thanh', label: 'Âm thanh', required: true, mode: 'manual', rule: null, codec: null },
  { key: 'duong-truyen', label: 'Đường truyền', required: true, mode: 'automatic', rule: 'line', codec: null },
];

const template = (id: string, over: Partial<ChecklistTemplateRow> = {}): ChecklistTemplateRow => ({
  id,
  name: `Mẫu ${id} — hội nghị cấp xã`,
  isDefault: false,
  items,
  updatedAt: 5_000,
  ...over,
});

const assigned = (meeting: string, over: Partial<MeetingChecklistRow> = {}): MeetingChecklistRow => ({
  meeting,
  template: DEFAULT_TEMPLATE_ID,
  name: 'Danh mục kiểm tra mặc định',
  items: [...DEFAULT_CHECKLIST_ITEMS],
  assignedAt: 10_000,
  ...over,
});

const write = (over: Partial<MarkWrite> & Pick<MarkWrite, 'point' | 'key'>): MarkWrite => ({
  value: 'pass',
  actor: 'kt.canloc',
  at: 20_000,
  expectedVersion: 0,
  source: 'manual',
  ...over,
});

const capture = (over: Partial<RollCallCaptureRow> = {}): RollCallCaptureRow => ({
  meeting: 'M1',
  moment: 'start',
  dueAt: 100_000,
  capturedAt: 100_250,
  entries: [
    { code: 'P1', state: 'up' },
    { code: 'P2', state: 'down' },
  ],
  ...over,
});

export function checklistContract(fresh: Fresh): void {
  describe('checklist templates', () => {
    it("[CL1] starts with the default template holding the issue's eight items", async () => {
      const { store } = await fresh();
      const all = await store.listChecklistTemplates();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ id: DEFAULT_TEMPLATE_ID, isDefault: true });
      expect(all[0]!.items).toEqual(DEFAULT_CHECKLIST_ITEMS);
      expect(all[0]!.items.map((i) => i.label)).toEqual([
        'Đường truyền',
        'Hình ảnh',
        'Âm thanh',
        'Camera / góc quay',
        'Phông nền / maket',
        'Nguồn điện và UPS',
        'Đường truyền dự phòng',
        'Cán bộ kỹ thuật trực',
      ]);
    });

    it('creates and replaces templates, moves the default flag, and survives a reopen', async () => {
      const { store, reopen } = await fresh();
      await store.saveChecklistTemplate(template('xa'));
      await store.saveChecklistTemplate(template('xa', { name: 'Mẫu xã (sửa)', updatedAt: 6_000 }));
      expect(await store.getChecklistTemplate('xa')).toEqual(
        template('xa', { name: 'Mẫu xã (sửa)', updatedAt: 6_000 }),
      );
      await store.saveChecklistTemplate(template('tinh', { isDefault: true }));
      expect((await store.listChecklistTemplates()).map((t) => [t.id, t.isDefault])).toEqual([
        ['tinh', true],
        ['mac-dinh', false],
        ['xa', false],
      ]);
      await store.close();
      expect(await (await reopen()).getChecklistTemplate('tinh')).toEqual(template('tinh', { isDefault: true }));
    });

    it('refuses to leave no default, to delete the default, or to store invalid items', async () => {
      const { store } = await fresh();
      const before = await store.listChecklistTemplates();
      await expect(store.saveChecklistTemplate(template(DEFAULT_TEMPLATE_ID, { isDefault: false }))).rejects.toThrow(
        /default/,
      );
      await expect(store.deleteChecklistTemplate(DEFAULT_TEMPLATE_ID)).rejects.toThrow(/default/);
      const dup = [items[0]!, items[0]!];
      await expect(store.saveChecklistTemplate(template('dup', { items: dup }))).rejects.toThrow(/duplicate/);
      expect(await store.listChecklistTemplates()).toEqual(before);
      await store.saveChecklistTemplate(template('xa'));
      expect(await store.deleteChecklistTemplate('xa')).toBe(true);
      expect(await store.deleteChecklistTemplate('xa')).toBe(false);
    });
  });

  describe('meeting checklists', () => {
    it('copies items once (ensure) and replaces them only when set', async () => {
      const { store, reopen } = await fresh();
      expect(await store.getMeetingChecklist('M1')).toBeUndefined();
      expect(await store.ensureMeetingChecklist(assigned('M1'))).toEqual(assigned('M1'));
      // A second ensure with other items keeps the first copy.
      expect(await store.ensureMeetingChecklist(assigned('M1', { template: 'xa', items }))).toEqual(assigned('M1'));
      await store.setMeetingChecklist(assigned('M1', { template: 'xa', name: 'Mẫu xã', items, assignedAt: 11_000 }));
      await store.close();
      expect(await (await reopen()).getMeetingChecklist('M1')).toEqual(
        assigned('M1', { template: 'xa', name: 'Mẫu xã', items, assignedAt: 11_000 }),
      );
    });
  });

  describe('checklist marks', () => {
    it('[CL4] versions every change from 1 and keeps the whole history with previous values', async () => {
      const { store, reopen } = await fresh();
      const [a] = await store.writeChecklistMarks('M1', [write({ point: 'P1', key: 'am-thanh', note: 'Nghe rõ' })]);
      expect(a).toEqual({
        ok: true,
        changed: true,
        mark: {
          meeting: 'M1',
          point: 'P1',
          key: 'am-thanh',
          value: 'pass',
          note: 'Nghe rõ',
          actor: 'kt.canloc',
          at: 20_000,
          version: 1,
        },
      });
      // Without a value the value stays; without a note the note stays.
      await store.writeChecklistMarks('M1', [
        write({ point: 'P1', key: 'am-thanh', value: undefined, note: 'Vọng', expectedVersion: 1, at: 21_000 }),
      ]);
      await store.writeChecklistMarks('M1', [
        write({ point: 'P1', key: 'am-thanh', value: 'fail', expectedVersion: 2, actor: 'kt.khac', at: 22_000 }),
      ]);
      await store.close();
      const again = await reopen();
      expect(await again.listChecklistMarks('M1')).toEqual([
        {
          meeting: 'M1',
          point: 'P1',
          key: 'am-thanh',
          value: 'fail',
          note: 'Vọng',
          actor: 'kt.khac',
          at: 22_000,
          version: 3,
        },
      ]);
      const h = await again.listChecklistHistory({ meeting: 'M1' });
      expect(h.map((r) => [r.version, r.previous, r.value, r.note, r.actor, r.source])).toEqual([
        [1, null, 'pass', 'Nghe rõ', 'kt.canloc', 'manual'],
        [2, 'pass', 'pass', 'Vọng', 'kt.canloc', 'manual'],
        [3, 'pass', 'fail', 'Vọng', 'kt.khac', 'manual'],
      ]);
      expect(new Set(h.map((r) => r.id)).size).toBe(3);
    });

    it('[CL5] refuses a stale version with the current mark and writes nothing for it', async () => {
      const { store } = await fresh();
      await store.writeChecklistMarks('M1', [write({ point: 'P1', key: 'am-thanh' })]);
      const [stale] = await store.writeChecklistMarks('M1', [
        write({ point: 'P1', key: 'am-thanh', value: 'fail', actor: 'b' }),
      ]);
      expect(stale).toEqual({
        ok: false,
        current: expect.objectContaining({ value: 'pass', version: 1, actor: 'kt.canloc' }),
      });
      const [never] = await store.writeChecklistMarks('M1', [
        write({ point: 'P2', key: 'am-thanh', expectedVersion: 3 }),
      ]);
      expect(never).toEqual({ ok: false, current: null });
      expect((await store.listChecklistMarks('M1')).map((m) => [m.point, m.value, m.version])).toEqual([
        ['P1', 'pass', 1],
      ]);
      expect(await store.listChecklistHistory({ meeting: 'M1' })).toHaveLength(1);
    });

    it('applies the rest of a batch around a conflict; an unchanged write is a no-op; null skips the check', async () => {
      const { store } = await fresh();
      await store.writeChecklistMarks('M1', [write({ point: 'P1', key: 'am-thanh' })]);
      const results = await store.writeChecklistMarks('M1', [
        write({ point: 'P1', key: 'am-thanh', expectedVersion: 0, value: 'fail' }),
        write({ point: 'P1', key: 'am-thanh', expectedVersion: 1, value: 'pass' }),
        write({ point: 'P2', key: 'duong-truyen', expectedVersion: null, actor: 'hệ thống', source: 'auto' }),
        write({
          point: 'P2',
          key: 'duong-truyen',
          expectedVersion: null,
          value: 'fail',
          actor: 'hệ thống',
          source: 'auto',
        }),
      ]);
      expect(results.map((r) => (r.ok ? [r.changed, r.mark.version] : ['conflict']))).toEqual([
        ['conflict'],
        [false, 1],
        [true, 1],
        [true, 2],
      ]);
      const h = await store.listChecklistHistory({ meeting: 'M1', point: 'P2' });
      expect(h.map((r) => [r.value, r.source, r.actor])).toEqual([
        ['pass', 'auto', 'hệ thống'],
        ['fail', 'auto', 'hệ thống'],
      ]);
      expect(await store.listChecklistHistory({ meeting: 'M1', key: 'am-thanh', limit: 5 })).toHaveLength(1);
      expect(await store.listChecklistHistory({ meeting: 'M2' })).toEqual([]);
    });

    it('keeps roll-call confirmations apart and refuses values that do not fit the key, writing nothing', async () => {
      const { store } = await fresh();
      const ok = await store.writeChecklistMarks('M1', [write({ point: 'P1', key: ROLL_CALL_KEY, value: 'present' })]);
      expect(ok[0]).toMatchObject({ ok: true, mark: { key: ROLL_CALL_KEY, value: 'present', version: 1 } });
      const bad = (key: string, value: string) =>
        store.writeChecklistMarks('M1', [
          write({ point: 'P9', key: 'hinh-anh' }),
          write({ point: 'P1', key, value: value as MarkValue, expectedVersion: null }),
        ]);
      await expect(bad(ROLL_CALL_KEY, 'pass')).rejects.toThrow(/check constraint/i);
      await expect(bad('am-thanh', 'present')).rejects.toThrow(/check constraint/i);
      await expect(bad('am-thanh', 'ok')).rejects.toThrow(/check constraint/i);
      expect((await store.listChecklistMarks('M1')).map((m) => m.point)).toEqual(['P1']);
      expect(await store.listChecklistHistory({ meeting: 'M1' })).toHaveLength(1);
    });
  });

  describe('roll-call captures', () => {
    it('[RC5] keeps the first capture of each moment, `before` first, across a reopen', async () => {
      const { store, reopen } = await fresh();
      expect(await store.saveRollCallCapture(capture())).toBe(true);
      expect(await store.saveRollCallCapture(capture({ capturedAt: 999_999, entries: [] }))).toBe(false);
      expect(await store.saveRollCallCapture(capture({ moment: 'before', dueAt: 40_000, capturedAt: 40_000 }))).toBe(
        true,
      );
      await store.close();
      const again = await reopen();
      expect(await again.listRollCallCaptures('M1')).toEqual([
        capture({ moment: 'before', dueAt: 40_000, capturedAt: 40_000 }),
        capture(),
      ]);
      expect(await again.listRollCallCaptures('M2')).toEqual([]);
    });
  });
}
