// The line-test checklist (danh mục kiểm tra) and the roll call (điểm danh), shared by server and
// client: item definitions, the results a point's item can take, the readiness rule and the wire shapes.
// Rule IDs ([CL…], [RC…]) are those of docs/CHECKLIST.md.
import { z } from 'zod';
import { bilingual } from './words';
import { Code, Level, PointState, Unit } from './schemas';

export const ITEM_RESULTS = ['pending', 'pass', 'fail', 'na'] as const;
export const ItemResult = z.enum(ITEM_RESULTS);
export type ItemResult = z.infer<typeof ItemResult>;

export const ROLL_CALL_STATUSES = ['pending', 'present', 'absent'] as const;
export const RollCallStatus = z.enum(ROLL_CALL_STATUSES);
export type RollCallStatus = z.infer<typeof RollCallStatus>;

/** `line`: the primary line up and not severe for the last 60 s; `backup`: the backup line's state. */
export const AUTO_RULES = ['line', 'backup'] as const;
export const AutoRule = z.enum(AUTO_RULES);

/** What a codec-answered item checks: the received video or audio (CL11). */
export const CodecMedia = z.enum(['video', 'audio']);
export type CodecMedia = z.infer<typeof CodecMedia>;

/** [CL11] Received media with this much loss or more fails its item (the severe loss band's figure). */
export const CODEC_LOSS_FAIL_PCT = 5;
export type AutoRule = z.infer<typeof AutoRule>;

/** Who automatic results are recorded as. Usernames are lowercase ASCII, so no account can be this. */
export const SYSTEM_ACTOR = 'hệ thống';

/** A roll-call confirmation is stored like an item, under this key (no item key can start with "@"). */
export const ROLL_CALL_KEY = '@rollcall';

/** The two automatic roll calls: 10 minutes before the session ([RC1]) and at its start ([RC2]). */
export const ROLL_CALL_MOMENTS = ['before', 'start'] as const;
export const RollCallMoment = z.enum(ROLL_CALL_MOMENTS);
export type RollCallMoment = z.infer<typeof RollCallMoment>;
export const ROLL_CALL_LEAD_MS = 10 * 60_000;

/** [CL6] How long the line must have been up (not severe, not down) to pass, unless configured. */
export const LINE_STABLE_MS = 60_000;

export const ItemKey = z
  .string()
  .min(1)
  .max(40)
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    bilingual('chỉ gồm chữ thường không dấu, số và “-”', 'use lowercase letters, digits and "-"'),
  );

export const ChecklistItemDef = z
  .strictObject({
    key: ItemKey,
    label: z.string().trim().min(1).max(80),
    hint: z.string().trim().max(200).optional(),
    required: z.boolean().default(true),
    mode: z.enum(['manual', 'automatic']).default('manual'),
    /** The automatic rule; null for a manual item. */
    rule: AutoRule.nullable().default(null),
    /**
     * [CL11] A manual item the room's codec can answer: where a point has a codec (videoos / roomos
     * target), the server sets it from the codec's received video or audio; elsewhere it stays manual.
     */
    codec: CodecMedia.nullable().default(null),
  })
  .superRefine((d, ctx) => {
    if ((d.mode === 'automatic') !== (d.rule !== null)) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: 'an automatic item needs a rule; a manual one none' });
    }
    if (d.codec !== null && d.mode !== 'manual') {
      ctx.addIssue({ code: 'custom', path: ['codec'], message: 'only a manual item can be set from the codec' });
    }
  });
export type ChecklistItemDef = z.infer<typeof ChecklistItemDef>;

export const ChecklistItems = z
  .array(ChecklistItemDef)
  .min(1)
  .max(30)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((d, i) => {
      if (seen.has(d.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key "${d.key}"` });
      seen.add(d.key);
    });
  });

/** PUT/POST body of a template. */
export const ChecklistTemplateBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** Making a template the default takes the flag from the previous default. */
  isDefault: z.boolean().default(false),
  items: ChecklistItems,
});
export type ChecklistTemplateBody = z.input<typeof ChecklistTemplateBody>;

export interface ChecklistTemplate {
  id: string;
  name: string;
  isDefault: boolean;
  items: ChecklistItemDef[];
  updatedAt: string;
}

export const DEFAULT_TEMPLATE_ID = 'mac-dinh';

/** The default items (seeded by migration 3, which keeps its own copy of this list). */
export const DEFAULT_CHECKLIST_ITEMS: readonly ChecklistItemDef[] = [
  {
    key: 'duong-truyen',
    label: 'Đường truyền',
    hint: 'Tự động: thông suốt, không chập chờn nặng trong 60 giây gần nhất',
    required: true,
    mode: 'automatic',
    rule: 'line',
    codec: null,
  },
  {
    key: 'hinh-anh',
    label: 'Hình ảnh',
    hint: 'Nhận được hình ảnh (tự động khi điểm cầu có khai báo thiết bị đầu cuối)',
    required: true,
    mode: 'manual',
    rule: null,
    codec: 'video',
  },
  {
    key: 'am-thanh',
    label: 'Âm thanh',
    hint: 'Nghe rõ hai chiều (tự động khi điểm cầu có khai báo thiết bị đầu cuối)',
    required: true,
    mode: 'manual',
    rule: null,
    codec: 'audio',
  },
  { key: 'camera', label: 'Camera / góc quay', required: true, mode: 'manual', rule: null, codec: null },
  { key: 'phong-nen', label: 'Phông nền / maket', required: true, mode: 'manual', rule: null, codec: null },
  { key: 'nguon-dien', label: 'Nguồn điện và UPS', required: true, mode: 'manual', rule: null, codec: null },
  {
    key: 'duong-truyen-du-phong',
    label: 'Đường truyền dự phòng',
    hint: 'Tự động khi điểm cầu có đường truyền dự phòng',
    required: false,
    mode: 'automatic',
    rule: 'backup',
    codec: null,
  },
  {
    key: 'can-bo-ky-thuat',
    label: 'Cán bộ kỹ thuật trực',
    hint: 'Đã xác nhận họ tên và số điện thoại',
    required: true,
    mode: 'manual',
    rule: null,
    codec: null,
  },
];

// ── Marks: a point's item result, or its roll-call confirmation ─────────────────────────────────────

/** One item of one point in one meeting. `version` 0: never set (pending). */
export interface ItemMark {
  point: string;
  item: string;
  result: ItemResult;
  note: string | null;
  /** Username, or SYSTEM_ACTOR for automatic results; null when never set. */
  by: string | null;
  at: string | null;
  version: number;
}

export interface RollCallMark {
  point: string;
  status: RollCallStatus;
  note: string | null;
  by: string | null;
  at: string | null;
  version: number;
}

const Note = z
  .string()
  .max(500)
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? null : s))
  .nullable();

const itemWriteShape = {
  result: ItemResult.optional(),
  note: Note.optional(),
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};
const rollCallWriteShape = {
  status: RollCallStatus.optional(),
  note: Note.optional(),
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};
const hasItemChange = (w: { result?: unknown; note?: unknown }) => w.result !== undefined || w.note !== undefined;
const hasRollCallChange = (w: { status?: unknown; note?: unknown }) => w.status !== undefined || w.note !== undefined;

/**
 * A change to one item. `version` is the one the writer last saw: a stale one is refused with
 * `conflict` and the current mark ([CL5]). Without `result` only the note changes, and without
 * `note` the note stays. An empty note clears it.
 */
export const ItemWriteBody = z.strictObject(itemWriteShape).refine(hasItemChange, { message: 'give result or note' });
export type ItemWriteBody = z.input<typeof ItemWriteBody>;

export const RollCallWriteBody = z
  .strictObject(rollCallWriteShape)
  .refine(hasRollCallChange, { message: 'give status or note' });
export type RollCallWriteBody = z.input<typeof RollCallWriteBody>;

export const ChecklistJoin = z.strictObject({ meetingId: Code });
export type ChecklistJoin = z.infer<typeof ChecklistJoin>;
/** The socket form of ItemWriteBody: the meeting, point and item named in the payload. */
export const ItemWrite = z
  .strictObject({ meetingId: Code, point: Code, item: ItemKey, ...itemWriteShape })
  .refine(hasItemChange, { message: 'give result or note' });
export type ItemWrite = z.input<typeof ItemWrite>;
export const RollCallWrite = z
  .strictObject({ meetingId: Code, point: Code, ...rollCallWriteShape })
  .refine(hasRollCallChange, { message: 'give status or note' });
export type RollCallWrite = z.input<typeof RollCallWrite>;

// ── What a dashboard gets ─────────────────────────────────────────────────────────────────────────

export interface ChecklistPoint {
  code: string;
  name: string;
  level: Level;
  unit: string;
  /** The first technician contact: who to call. */
  technician: { name: string; phone: string | null } | null;
  hasBackup: boolean;
  /** [CL11] A codec is asked (videoos / roomos target): its codec items are set by the server. */
  hasCodec: boolean;
}

export interface RollCallEntry {
  code: string;
  state: PointState;
  /** Reachable (up, degraded or severe) at the capture ([RC3]). */
  connected: boolean;
  /** [RC7] In the call as the point's codec said at the capture; null where no codec tells (reachable only). */
  inCall: boolean | null;
}

export interface RollCallCapture {
  moment: RollCallMoment;
  /** When the list was due (T−10 min, T). */
  dueAt: string;
  /** When the server took it: later than dueAt when it was not running then ([RC4]). */
  capturedAt: string;
  entries: RollCallEntry[];
}

export interface ChecklistSnapshot {
  meetingId: string;
  serverTime: number;
  /** The template the meeting's items were copied from, and those items ([CL1]). */
  template: { id: string; name: string; items: ChecklistItemDef[] };
  points: ChecklistPoint[];
  units: Unit[];
  /** Marks ever set (version ≥ 1); every other item is pending at version 0. */
  items: ItemMark[];
  rollCall: { dueAt: Record<RollCallMoment, string>; captures: RollCallCapture[]; marks: RollCallMark[] };
  /** The points this session may tick: "all", or the codes within a limited technician's units. */
  writable: 'all' | string[];
}

/** Pushed to the meeting's room on every change (manual or automatic). */
export interface ChecklistChanged {
  meetingId: string;
  items: ItemMark[];
  rollCall: RollCallMark[];
}

export interface ChecklistHistoryEntry {
  id: number;
  point: string;
  /** An item key, or ROLL_CALL_KEY. */
  item: string;
  value: ItemResult | RollCallStatus;
  previous: ItemResult | RollCallStatus | null;
  note: string | null;
  by: string;
  at: string;
  version: number;
  source: 'manual' | 'auto';
}

export const HistoryQuery = z.strictObject({
  point: Code.optional(),
  item: z.union([ItemKey, z.literal(ROLL_CALL_KEY)]).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

// ── Readiness ([CL3]) ─────────────────────────────────────────────────────────────────────────────

export interface Readiness {
  ready: boolean;
  /** Items (any) whose result is fail. */
  failing: string[];
  /** Required items neither passed nor marked not applicable. */
  missing: string[];
}

/**
 * A point is ready when every required item passes. "Not applicable" on a required item takes it
 * out of that point's requirements (a commune with a laptop camera has no separate camera to check).
 */
export function readiness(items: readonly ChecklistItemDef[], resultOf: (key: string) => ItemResult): Readiness {
  const failing: string[] = [];
  const missing: string[] = [];
  for (const d of items) {
    const r = resultOf(d.key);
    if (r === 'fail') failing.push(d.key);
    if (d.required && r !== 'pass' && r !== 'na') missing.push(d.key);
  }
  return { ready: missing.length === 0, failing, missing };
}

/** Reachable at all: what the roll call counts as connected ([RC3]). */
export function isConnected(state: PointState): boolean {
  return state === 'up' || state === 'degraded' || state === 'severe';
}
