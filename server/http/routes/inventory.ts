// CRUD for units, points and meetings. One factory serves the three: the same rules everywhere
// (body parsed by the entity's schema, id in the URL wins, whole-inventory validation on apply).
import { Router, type Response } from 'express';
import { words } from '../../../shared/words';
import type { z } from 'zod';
import { Meeting, Point, Unit } from '../../../shared/schemas';
import type { Clock } from '../../clock';
import { ValidationError, parseOrThrow, notFound, issueOf } from '../../errors';

const NOUN_VI = { unit: 'đơn vị', point: 'điểm cầu', meeting: 'hội nghị' } as const;
import type { Inventory } from '../../inventory/inventory';
import type { InventoryChange } from '../../store/types';
import { presentMeeting } from '../../presenters';
import { authOf } from '../../auth/middleware';
import { authorize } from '../../auth/policy';
import { ConflictError } from '../errors';

interface Entity<T> {
  path: string;
  noun: 'unit' | 'point' | 'meeting';
  key: 'id' | 'code';
  schema: z.ZodType<T>;
  list: (inv: Inventory) => T[];
  get: (inv: Inventory, key: string) => T | undefined;
  upsert: (items: T[]) => InventoryChange;
  remove: (key: string) => InventoryChange;
  present?: (item: T) => unknown;
}

function crud<T extends object>(inv: Inventory, e: Entity<T>, mayWrite: (res: Response) => void): Router {
  const r = Router();
  const present = e.present ?? ((x: T) => x);
  const find = (key: string): T => {
    const item = e.get(inv, key);
    if (!item) throw notFound(e.noun, key);
    return item;
  };
  const parseBody = (body: unknown, key?: string): T => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationError([
        issueOf(
          '(body)',
          words(`cần một đối tượng JSON mô tả ${NOUN_VI[e.noun]}`, `expected a JSON object describing a ${e.noun}`),
        ),
      ]);
    }
    const withKey = key === undefined ? body : { ...body, [e.key]: key };
    if (key !== undefined && e.key in body && (body as Record<string, unknown>)[e.key] !== key) {
      throw new ValidationError([
        issueOf(e.key, words(`không khớp với đường dẫn (${key})`, `does not match the URL (${key})`)),
      ]);
    }
    return parseOrThrow(e.schema, withKey);
  };
  const keyOf = (item: T): string => String((item as Record<string, unknown>)[e.key]);

  r.get(`/${e.path}`, (_req, res) => {
    res.json(e.list(inv).map(present));
  });
  r.get(`/${e.path}/:key`, (req, res) => {
    res.json(present(find(req.params.key)));
  });
  r.post(`/${e.path}`, async (req, res) => {
    mayWrite(res);
    const item = parseBody(req.body);
    if (e.get(inv, keyOf(item)))
      throw new ConflictError(
        words(
          `${NOUN_VI[e.noun]} ${keyOf(item)} đã có: dùng PUT để sửa`,
          `${e.noun} "${keyOf(item)}" exists; use PUT to change it`,
        ),
      );
    await inv.apply(e.upsert([item]));
    res.status(201).json(present(item));
  });
  r.put(`/${e.path}/:key`, async (req, res) => {
    mayWrite(res);
    const existed = e.get(inv, req.params.key) !== undefined;
    const item = parseBody(req.body, req.params.key);
    await inv.apply(e.upsert([item]));
    res.status(existed ? 200 : 201).json(present(item));
  });
  r.delete(`/${e.path}/:key`, async (req, res) => {
    mayWrite(res);
    find(req.params.key);
    await inv.apply(e.remove(req.params.key));
    res.status(204).end();
  });
  return r;
}

const write = (res: Response): void => authorize(authOf(res).user, 'inventory:write');

/** Reads for every session; writes (POST, PUT, DELETE) for the `inventory:write` action (admins). */
export function inventoryRoutes(
  inv: Inventory,
  clock: Clock,
  participation?: { pointsOf(meetingId: string): ReadonlySet<string> },
): Router {
  const r = Router();
  r.use(
    crud(
      inv,
      {
        path: 'units',
        noun: 'unit',
        key: 'id',
        schema: Unit,
        list: (i) => i.listUnits(),
        get: (i, k) => i.unit(k),
        upsert: (items) => ({ upsertUnits: items }),
        remove: (k) => ({ deleteUnits: [k] }),
      },
      write,
    ),
  );
  r.use(
    crud(
      inv,
      {
        path: 'points',
        noun: 'point',
        key: 'code',
        schema: Point,
        list: (i) => i.listPoints(),
        get: (i, k) => i.point(k),
        upsert: (items) => ({ upsertPoints: items }),
        remove: (k) => ({ deletePoints: [k] }),
      },
      write,
    ),
  );
  r.use(
    crud(
      inv,
      {
        path: 'meetings',
        noun: 'meeting',
        key: 'id',
        schema: Meeting,
        list: (i) => i.listMeetings(),
        get: (i, k) => i.meeting(k),
        upsert: (items) => ({ upsertMeetings: items }),
        remove: (k) => ({ deleteMeetings: [k] }),
        // The participating points' count tells a dashboard a large meeting (docs/NATIONAL.md NV4).
        present: (m) =>
          participation
            ? { ...presentMeeting(m, clock.now()), size: participation.pointsOf(m.id).size }
            : presentMeeting(m, clock.now()),
      },
      write,
    ),
  );
  return r;
}
