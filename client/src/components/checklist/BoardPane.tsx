// The readiness board: summary, filters, the grid and the cursor's detail. The row order is decided
// when the filters change or on "sort again", not on every tick, so the row being worked on never
// jumps away under the technician's keys; the cursor follows its point, not its index.
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ChecklistSnapshot, ItemResult } from '../../../../shared/checklist';
import type { Unit } from '../../../../shared/schemas';
import { fold, pointSearchKey } from '../../lib/fold';
import {
  boardKey,
  boardOrder,
  boardStep,
  clampCursor,
  NO_FILTERS,
  type BoardFilters,
  type Cursor,
} from '../../lib/checklistBoard';
import { PREF_KEYS } from '../../lib/prefs';
import { withinUnits } from '../../lib/permissions';
import { useMe } from '../../hooks/useAuth';
import { useBooleanPref } from '../../hooks/usePref';
import type { ChecklistLive } from '../../lib/checklistLive';
import { useI18n } from '../../i18n/context';
import { ActiveCell } from './ActiveCell';
import { ChecklistBoard, type BoardHandle } from './ChecklistBoard';
import { ChecklistFilters } from './ChecklistFilters';
import { ChecklistSummary } from './ChecklistSummary';
import { useChecklistVersion } from './useChecklistLive';

/** Units that hold the meeting's points (or lie above one), depth first, with their depth. */
function unitOptions(snap: ChecklistSnapshot): { unit: Unit; depth: number }[] {
  const byId = new Map(snap.units.map((u) => [u.id, u]));
  const used = new Set<string>();
  for (const p of snap.points) {
    for (let id: string | null = p.unit, d = 0; id !== null && d < 64; d++) {
      used.add(id);
      id = byId.get(id)?.parent ?? null;
    }
  }
  const children = new Map<string | null, Unit[]>();
  for (const u of snap.units) {
    if (!used.has(u.id)) continue;
    const parent = u.parent !== null && used.has(u.parent) ? u.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: { unit: Unit; depth: number }[] = [];
  const visit = (parent: string | null, depth: number): void => {
    for (const u of children.get(parent) ?? []) {
      out.push({ unit: u, depth });
      visit(u.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

export function BoardPane({ live, snap, search }: { live: ChecklistLive; snap: ChecklistSnapshot; search: string }) {
  const { t } = useI18n();
  const store = live.store;
  const items = snap.template.items;
  const version = useChecklistVersion(store);
  const [filters, setFilters] = useState<BoardFilters>(NO_FILTERS);
  const [sortToken, setSortToken] = useState(0);
  const [cursorAt, setCursorAt] = useState<{ code: string; col: number } | null>(null);
  const [editing, setEditing] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  // After a tick the cursor moves on by itself unless the technician turned that off; each move is
  // said in words and the cell it lands on flashes (`moved.n` restarts the flash).
  const [advance, setAdvance] = useBooleanPref(PREF_KEYS.checklistAdvance, true);
  const [moved, setMoved] = useState<{ text: string; n: number } | null>(null);
  const board = useRef<BoardHandle>(null);
  const callLink = useRef<HTMLAnchorElement>(null);

  const points = useMemo(() => new Map(snap.points.map((p) => [p.code, p])), [snap]);
  const unitNames = useMemo(() => new Map(snap.units.map((u) => [u.id, u.name])), [snap]);
  const unitName = useCallback((id: string) => unitNames.get(id) ?? id, [unitNames]);
  const units = useMemo(() => unitOptions(snap), [snap]);
  const codes = useMemo(() => snap.points.map((p) => p.code), [snap]);
  // A technician limited to some units has their points first ([PH4]).
  const scope = useMe()?.user.units;
  const mine = useMemo(() => {
    if (!scope || scope.length === 0) return null;
    const byId = new Map(snap.units.map((u) => [u.id, u]));
    return (p: { unit: string }) => withinUnits(p.unit, scope, byId);
  }, [scope, snap]);
  const query = fold(search);

  // Sorted with the marks as they are at this moment (not on every change: see above); `sortToken`
  // asks for it again.
  const { order, sortedAt } = useMemo(
    () => ({
      order: boardOrder(
        snap.points,
        items,
        store.marksOf,
        { ...filters, search: query },
        snap.units,
        pointSearchKey,
        mine,
      ),
      sortedAt: store.version(),
      token: sortToken,
    }),
    [snap, items, store, filters, query, sortToken, mine],
  );
  // [CL11] A codec item of a point whose codec is asked is the server's, as an automatic item.
  const byServer = useCallback(
    (row: number, col: number): boolean =>
      items[col]?.codec != null && (points.get(order[row] ?? '')?.hasCodec ?? false),
    [items, points, order],
  );

  const row = cursorAt ? order.indexOf(cursorAt.code) : -1;
  const cursor: Cursor | null =
    order.length === 0
      ? null
      : clampCursor(
          row >= 0 && cursorAt ? { row, col: cursorAt.col } : { row: 0, col: firstManual(items) },
          order.length,
          items.length,
        );
  const moveTo = useCallback(
    (c: Cursor) => {
      const code = order[c.row];
      if (code !== undefined) setCursorAt({ code, col: c.col });
      setEditing(false);
    },
    [order],
  );

  const set = (result: ItemResult): void => {
    if (!cursor) return;
    const code = order[cursor.row]!;
    const item = items[cursor.col]!;
    const step = boardStep(cursor, { kind: 'set', result }, { items, rows: order.length, advance, byServer });
    if (step.refused) return setHint(t.checklist.automaticRefused(item.label));
    if (!store.mayWrite(code)) return setHint(t.checklist.noRight);
    setHint(null);
    live.setItem(code, item.key, { result });
    if (step.advancedFrom) {
      const next = items[step.cursor.col]!;
      const where =
        step.cursor.row === cursor.row ? next.label : `${points.get(order[step.cursor.row]!)?.name} · ${next.label}`;
      setMoved((m) => ({
        text: t.checklist.cursor.moved(item.label, t.checklist.result[result], where),
        n: (m?.n ?? 0) + 1,
      }));
    } else setMoved(null);
    moveTo(step.cursor);
  };
  const saveNote = (note: string | null): void => {
    if (!cursor) return;
    live.setItem(order[cursor.row]!, items[cursor.col]!.key, { note });
    setEditing(false);
    board.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const k = boardKey(e);
    if (!k || !cursor) return;
    e.preventDefault();
    switch (k.kind) {
      case 'move':
      case 'home':
      case 'end':
        setMoved(null);
        moveTo(boardStep(cursor, k, { items, rows: order.length, advance, byServer }).cursor);
        break;
      case 'set':
        set(k.result);
        break;
      case 'note': {
        const item = items[cursor.col]!;
        if (item.mode === 'automatic' || byServer(cursor.row, cursor.col))
          setHint(t.checklist.automaticRefused(item.label));
        else if (!store.mayWrite(order[cursor.row]!)) setHint(t.checklist.noRight);
        else setEditing(true);
        break;
      }
      case 'call':
        callLink.current?.click();
        break;
    }
  };

  const activePoint = cursor ? points.get(order[cursor.row]!) : undefined;
  const activeItem = cursor ? items[cursor.col] : undefined;
  return (
    <div className="cl-pane">
      <ChecklistSummary
        store={store}
        codes={codes}
        items={items}
        filter={filters.state}
        onFilter={(state) => setFilters({ ...filters, state })}
      />
      <ChecklistFilters
        filters={filters}
        onChange={setFilters}
        units={units}
        items={items}
        stale={version !== sortedAt}
        onResort={() => setSortToken((n) => n + 1)}
      />
      <div className="cl-keys-bar">
        <p className="cl-keys muted">
          {t.checklist.keys}{' '}
          <strong data-testid="checklist-after-tick">
            {advance ? t.checklist.cursor.afterTickAdvance : t.checklist.cursor.afterTickStay}
          </strong>
        </p>
        <p className="cl-touch muted">{t.checklist.cursor.touch}</p>
        <label className="cl-advance">
          <input
            type="checkbox"
            checked={advance}
            data-testid="checklist-advance"
            onChange={(e) => {
              setAdvance(e.target.checked);
              setMoved(null);
            }}
          />
          {t.checklist.cursor.advance}
        </label>
      </div>
      {moved && (
        <p className="cl-moved" role="status" data-testid="checklist-moved">
          {moved.text}
        </p>
      )}
      {hint && (
        <p className="notice cl-hint" role="status" data-testid="checklist-hint">
          {hint}
        </p>
      )}
      <ChecklistBoard
        ref={board}
        order={order}
        points={points}
        unitName={unitName}
        items={items}
        store={store}
        cursor={cursor}
        flash={moved?.n ?? 0}
        onCell={(r, c) => {
          setMoved(null);
          moveTo({ row: r, col: c });
          board.current?.focus();
        }}
        onKeyDown={onKeyDown}
      />
      {activePoint && activeItem && (
        <ActiveCell
          ref={callLink}
          point={activePoint}
          item={activeItem}
          store={store}
          editing={editing}
          onSet={set}
          onNote={saveNote}
          onEdit={(on) => {
            setEditing(on);
            if (!on) board.current?.focus();
          }}
        />
      )}
    </div>
  );
}

function firstManual(items: readonly { mode: string }[]): number {
  const i = items.findIndex((x) => x.mode === 'manual');
  return i < 0 ? 0 : i;
}
