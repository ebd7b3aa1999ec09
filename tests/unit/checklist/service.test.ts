// The checklist service on a real SQLite file: versions and conflicts, notes, the audit history,
// automatic items refused to hands, unit scope, templates copied at first use.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHECKLIST_ITEMS, SYSTEM_ACTOR } from '../../../shared/checklist';
import type { ChecklistConflict } from '../../../shared/protocol';
import { ForbiddenError } from '../../../server/auth/errors';
import { ChecklistConflictError } from '../../../server/checklist/errors';
import { NotFoundError, ValidationError } from '../../../server/errors';
import { LINE_TEST, admin, makeRig, meeting, techA, techB, techCX, viewer, type Rig } from './setup';

let rig: Rig;
afterEach(() => rig?.dispose());

const M = meeting.id;

async function conflictOf(f: () => Promise<unknown>): Promise<ChecklistConflict> {
  try {
    await f();
  } catch (err) {
    if (err instanceof ChecklistConflictError) return err.error;
    throw err;
  }
  throw new Error('expected a conflict');
}

describe('checklist service', () => {
  it('[CL1] a meeting shows the default items until its first write copies them', async () => {
    rig = await makeRig();
    const snap = await rig.service.snapshot(M, admin);
    expect(snap.template).toEqual({
      id: 'mac-dinh',
      name: 'Danh mục kiểm tra mặc định',
      items: DEFAULT_CHECKLIST_ITEMS,
    });
    expect(snap.points.map((p) => p.code)).toEqual(['HT', 'HT-CL', 'HT-CL-DL', 'HT-CX']);
    expect(snap.points[0]).toEqual({
      code: 'HT',
      name: 'Điểm cầu HT',
      level: 'province',
      unit: 'HT',
      technician: { name: 'Nguyễn Văn An', phone: '0913 294 787' },
      hasBackup: true,
      hasCodec: false,
    });
    expect(snap.items).toEqual([]);
    expect(rig.store.getMeetingChecklist(M)).toBeUndefined();
    await rig.service.setItem(techA, { meetingId: M, point: 'HT', item: 'am-thanh', result: 'pass', version: 0 });
    expect(rig.store.getMeetingChecklist(M)?.items).toEqual(DEFAULT_CHECKLIST_ITEMS);
  });

  it('[CL4] each change is versioned, announced, and kept in the history with who, when and the note', async () => {
    rig = await makeRig();
    const a = await rig.service.setItem(techA, {
      meetingId: M,
      point: 'HT-CL',
      item: 'hinh-anh',
      result: 'fail',
      note: 'Hình bị nhòe',
      version: 0,
    });
    expect(a).toEqual({
      point: 'HT-CL',
      item: 'hinh-anh',
      result: 'fail',
      note: 'Hình bị nhòe',
      by: 'kt.an',
      at: '2026-03-05T15:00:00.000+07:00',
      version: 1,
    });
    rig.clock.advance(60_000);
    const b = await rig.service.setItem(techB, {
      meetingId: M,
      point: 'HT-CL',
      item: 'hinh-anh',
      result: 'pass',
      version: 1,
    });
    expect(b).toMatchObject({ result: 'pass', note: 'Hình bị nhòe', by: 'kt.binh', version: 2 });
    const c = await rig.service.setItem(techB, {
      meetingId: M,
      point: 'HT-CL',
      item: 'hinh-anh',
      note: null,
      version: 2,
    });
    expect(c).toMatchObject({ result: 'pass', note: null, version: 3 });
    expect(rig.events.filter((e) => e.type === 'changed')).toHaveLength(3);
    expect(
      (await rig.service.history(M, { point: 'HT-CL' })).map((h) => [h.previous, h.value, h.by, h.note, h.version]),
    ).toEqual([
      [null, 'fail', 'kt.an', 'Hình bị nhòe', 1],
      ['fail', 'pass', 'kt.binh', 'Hình bị nhòe', 2],
      ['pass', 'pass', 'kt.binh', null, 3],
    ]);
  });

  it('[CL5] the second of two writers on the same version gets a conflict with the current value; nothing is lost', async () => {
    rig = await makeRig();
    const w = { meetingId: M, point: 'HT', item: 'am-thanh', version: 0 } as const;
    await rig.service.setItem(techA, { ...w, result: 'pass', note: 'Rõ hai chiều' });
    const c = await conflictOf(async () => await rig.service.setItem(techB, { ...w, result: 'fail' }));
    expect(c).toMatchObject({
      code: 'conflict',
      current: { point: 'HT', item: 'am-thanh', result: 'pass', note: 'Rõ hai chiều', by: 'kt.an', version: 1 },
    });
    expect(c.message).toMatch(/phiên bản 1.*kt\.an/);
    // The loser retries on the version it was shown: now it applies, on top.
    await rig.service.setItem(techB, { ...w, version: c.current.version, result: 'fail' });
    expect((await rig.service.history(M, {})).map((h) => [h.by, h.value])).toEqual([
      ['kt.an', 'pass'],
      ['kt.binh', 'fail'],
    ]);
  });

  it('[CL5] a version from the future, or on a never-set item, is a conflict too', async () => {
    rig = await makeRig();
    const c = await conflictOf(
      async () =>
        await rig.service.setItem(techA, { meetingId: M, point: 'HT', item: 'camera', result: 'pass', version: 4 }),
    );
    expect(c.current).toEqual({
      point: 'HT',
      item: 'camera',
      result: 'pending',
      note: null,
      by: null,
      at: null,
      version: 0,
    });
  });

  it("[CL9] automatic items are the server's: a hand may not set them", async () => {
    rig = await makeRig();
    await expect(
      rig.service.setItem(admin, { meetingId: M, point: 'HT', item: 'duong-truyen', result: 'pass', version: 0 }),
    ).rejects.toThrow(ValidationError);
    expect(rig.store.listChecklistHistory({ meeting: M })).toEqual([]);
  });

  it('refuses viewers, technicians outside their units, unknown meetings, points and items', async () => {
    rig = await makeRig();
    const w = { meetingId: M, point: 'HT-CL', item: 'camera', result: 'pass', version: 0 } as const;
    await expect(rig.service.setItem(viewer, w)).rejects.toThrow(ForbiddenError);
    await expect(rig.service.setItem(techCX, w)).rejects.toThrow(/trong đơn vị HT-CX/);
    await expect(rig.service.setItem(techA, { ...w, meetingId: 'khong-co' })).rejects.toThrow(NotFoundError);
    await expect(rig.service.setItem(techA, { ...w, point: 'KHONG' })).rejects.toThrow(NotFoundError);
    await expect(rig.service.setItem(techA, { ...w, item: 'khong-co' })).rejects.toThrow(
      /không có mục kiểm tra “khong-co”/,
    );
    expect((await rig.service.setItem(techCX, { ...w, point: 'HT-CX' })).version).toBe(1);
    expect((await rig.service.snapshot(M, techCX)).writable).toEqual(['HT-CX']);
    expect((await rig.service.snapshot(M, viewer)).writable).toEqual([]);
    expect((await rig.service.snapshot(M, techA)).writable).toBe('all');
  });

  it('[RC6] roll-call confirmations are versioned marks of their own', async () => {
    rig = await makeRig();
    const r = await rig.service.confirmRollCall(techA, { meetingId: M, point: 'HT-CX', status: 'present', version: 0 });
    expect(r).toMatchObject({ point: 'HT-CX', status: 'present', by: 'kt.an', version: 1 });
    const c = await conflictOf(
      async () =>
        await rig.service.confirmRollCall(techB, { meetingId: M, point: 'HT-CX', status: 'absent', version: 0 }),
    );
    expect(c.current).toMatchObject({ status: 'present', version: 1 });
    const snap = await rig.service.snapshot(M, viewer);
    expect(snap.rollCall.marks).toEqual([r]);
    expect(snap.items).toEqual([]);
  });

  it('writes automatic results as "hệ thống" without a version check, announcing only changes', async () => {
    rig = await makeRig();
    await rig.service.writeAutomatic(M, [{ point: 'HT', item: 'duong-truyen', result: 'pass' }]);
    await rig.service.writeAutomatic(M, [{ point: 'HT', item: 'duong-truyen', result: 'pass' }]);
    expect(rig.events.filter((e) => e.type === 'changed')).toHaveLength(1);
    expect(await rig.service.history(M, {})).toEqual([
      expect.objectContaining({ by: SYSTEM_ACTOR, value: 'pass', source: 'auto', version: 1 }),
    ]);
  });

  it("templates: a meeting takes another template's items; old marks stay in the history", async () => {
    rig = await makeRig();
    await rig.service.setItem(techA, { meetingId: M, point: 'HT', item: 'phong-nen', result: 'pass', version: 0 });
    const { created } = await rig.service.saveTemplate('xa', {
      name: 'Mẫu cấp xã',
      items: [
        { key: 'am-thanh', label: 'Âm thanh' },
        { key: 'loa', label: 'Loa', required: false },
      ],
    });
    expect(created).toBe(true);
    await rig.service.assignTemplate(M, 'xa');
    expect(rig.events.at(-1)).toEqual({ type: 'invalidated', meetingId: M });
    const snap = await rig.service.snapshot(M, admin);
    expect(snap.template.items.map((i) => i.key)).toEqual(['am-thanh', 'loa']);
    expect(snap.items).toEqual([expect.objectContaining({ item: 'phong-nen', result: 'pass' })]);
    await expect(rig.service.deleteTemplate('mac-dinh')).rejects.toThrow(ValidationError);
    await expect(
      rig.service.saveTemplate('mac-dinh', { name: 'x', isDefault: false, items: DEFAULT_CHECKLIST_ITEMS }),
    ).rejects.toThrow(/mẫu mặc định/);
    await expect(rig.service.saveTemplate('bad', { name: 'x', items: [{ key: 'A B', label: '' }] })).rejects.toThrow(
      ValidationError,
    );
    await rig.service.deleteTemplate('xa');
    // The meeting keeps its copy.
    expect((await rig.service.snapshot(M, admin)).template.id).toBe('xa');
    expect(rig.clock.now()).toBe(LINE_TEST);
  });
});
