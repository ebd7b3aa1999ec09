// One spreadsheet row → the point it describes, or the reasons it cannot be one. Row-local rules only;
// what depends on other rows or on the inventory's other points (duplicate codes and targets) is
// checked in preview.ts.
import type { ImportColumn, RowIssue } from '../../shared/import';
import { AgentName, Code, Point, type Level, type Target, type Unit } from '../../shared/schemas';
import { parseEndpointCell, parseLineEntry } from '../../shared/endpoint-cell';
import { isCodecKind, targetId } from '../../shared/targets';
import { words, type Words } from '../../shared/words';
import { issueWords } from '../issue-words';
import { cleanText, type TextResult } from '../../shared/text';
import { derivedCode, type ExistingNames } from './codes';
import { cellLines, mergeContacts, readContacts } from './contacts';
import { COLUMN_LABELS, COLUMN_LABELS_EN } from './headers';
import { readLevel } from './levels';
import { spend } from '../parsing/work';
import type { UnitResolver } from './units';

export type Cells = Partial<Record<ImportColumn, string>>;

export interface RowContext {
  resolver: UnitResolver;
  existing: ReadonlyMap<string, Point>;
  names: ExistingNames;
  /** Columns the file has: a column it lacks leaves the existing point's value as it was. */
  present: ReadonlySet<ImportColumn>;
}

export interface BuiltRow {
  row: number;
  cells: Cells;
  code: string | null;
  derivedCode: boolean;
  point: Point | null;
  errors: RowIssue[];
}

/** One line: NFC, whitespace runs (line breaks included) as one space, trimmed. */
export function oneLine(cell: string | undefined): string {
  return (cell ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * A text cell (name, room, address) under the inventory's text rule (shared/text.ts). A line break
 * inside a cell is how a spreadsheet wraps a long name, not part of it: it reads as a space first.
 */
export function cellText(cell: string | undefined): TextResult {
  return cleanText((cell ?? '').replace(/\r\n|\r|\n/g, ' '));
}

/** Backup hosts: one per line or separated by ","; never by spaces or ";", which a host cannot hold. */
function hostList(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/\r\n|\r|\n|,/)
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

export function isBlank(cells: Cells): boolean {
  return Object.values(cells).every((v) => v === undefined || v.trim() === '');
}

export function buildRow(row: number, cells: Cells, ctx: RowContext): BuiltRow {
  const errors: RowIssue[] = [];
  const fail = (column: ImportColumn | null, code: string, w: Words): void => {
    errors.push({ row, column, code, message: w.vi, messageEn: w.en });
  };
  /** `Tên điểm cầu chứa …` / `Point name holds …`: a column's name, then the text rule's reason. */
  const textFail = (column: ImportColumn, code: string, r: { reason: string; reasonEn: string }): void => {
    fail(column, code, words(`${COLUMN_LABELS[column]} ${r.reason}.`, `${COLUMN_LABELS_EN[column]} ${r.reasonEn}.`));
  };

  const nameRead = cellText(cells.name);
  const name = nameRead.ok ? nameRead.text : '';
  if (!nameRead.ok && nameRead.blank) {
    fail('name', 'name.required', words(`Thiếu ${COLUMN_LABELS.name}.`, `${COLUMN_LABELS_EN.name} is missing.`));
  } else if (!nameRead.ok) textFail('name', 'name.invalid', nameRead);

  const unit = resolveUnit(cells, ctx, fail);

  let level: Level | undefined = unit?.level;
  const levelCell = oneLine(cells.level);
  if (levelCell !== '') {
    const read = readLevel(levelCell, unit?.level);
    if ('level' in read) level = read.level;
    else if (read.error === 'ambiguous') {
      level = undefined;
      fail(
        'level',
        'level.ambiguous',
        words(
          `Cấp “${levelCell}” không rõ là tỉnh hay huyện: ghi “Tỉnh” hoặc “Huyện”.`,
          `Level "${levelCell}" could be a province or a district: write "Tỉnh" or "Huyện".`,
        ),
      );
    } else {
      level = undefined;
      fail(
        'level',
        'level.unknown',
        words(
          `Cấp “${levelCell}” không hiểu được: ghi Tỉnh, Huyện hoặc Xã (Phường, Thị trấn).`,
          `Level "${levelCell}" is not understood: write Tỉnh, Huyện or Xã (Phường, Thị trấn).`,
        ),
      );
    }
  }

  let code: string | null = null;
  let derived = false;
  const codeCell = oneLine(cells.code);
  if (codeCell !== '') {
    const parsed = Code.safeParse(codeCell);
    if (parsed.success) code = parsed.data;
    else {
      fail(
        'code',
        'code.invalid',
        words(
          `Mã “${codeCell}” không hợp lệ: chỉ dùng chữ không dấu, số, “.”, “_”, “-”.`,
          `Code "${codeCell}" cannot be used: letters without diacritics, digits, ".", "_", "-" only.`,
        ),
      );
    }
  } else if (unit && name !== '') {
    code = ctx.names.codeFor(unit.id, name) ?? derivedCode(unit, name);
    derived = true;
  }
  const before = code === null ? undefined : ctx.existing.get(code);

  const targets = readTargets(cells, ctx, before, fail);

  let contacts = before?.contacts ?? [];
  if (ctx.present.has('technician') || ctx.present.has('phone')) {
    const read = readContacts(cells.technician, cells.phone);
    if ('contacts' in read) {
      contacts = mergeContacts(before?.contacts ?? [], read.contacts);
      for (const c of read.contacts) {
        const r = cleanText(c.name);
        if (!r.ok) textFail('technician', 'technician.invalid', r);
      }
    } else if (read.error === 'phone-without-name') {
      fail(
        'technician',
        'phone.without-name',
        words(
          `Có số điện thoại nhưng thiếu tên ${COLUMN_LABELS.technician}.`,
          `A phone number without the ${COLUMN_LABELS_EN.technician.toLowerCase()}'s name.`,
        ),
      );
    } else {
      fail(
        'phone',
        'phone.too-many',
        words(
          `${read.count} số điện thoại cho ${cellLines(cells.technician).length} cán bộ: mỗi người một dòng, cùng thứ tự.`,
          `${read.count} phone numbers for ${cellLines(cells.technician).length} technicians: one per line, in the same order.`,
        ),
      );
    }
  }

  const optional = (column: 'room' | 'address'): string | undefined => {
    if (!ctx.present.has(column)) return before?.[column];
    const r = cellText(cells[column]);
    if (!r.ok && !r.blank) textFail(column, `${column}.invalid`, r);
    return r.ok ? r.text : undefined;
  };
  const room = optional('room');
  const address = optional('address');
  const agent = readAgent(cells, ctx, before, fail);

  if (errors.length > 0 || code === null || !unit || !level || !targets) {
    return { row, cells, code, derivedCode: derived, point: null, errors };
  }
  const candidate = {
    code,
    name,
    level,
    unit: unit.id,
    ...withValue('room', room),
    ...withValue('address', address),
    targets,
    contacts,
    ...withValue('agent', agent),
  };
  const parsed = Point.safeParse(candidate, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const column = columnOfPath(issue.path, targets);
      const w = issueWords(issue);
      fail(
        column,
        'field.invalid',
        words(
          `${column ? COLUMN_LABELS[column] : 'Dòng'}: ${w.vi}`,
          `${column ? COLUMN_LABELS_EN[column] : 'Row'}: ${w.en}`,
        ),
      );
    }
    return { row, cells, code, derivedCode: derived, point: null, errors };
  }
  return { row, cells, code, derivedCode: derived, point: parsed.data, errors };
}

function withValue<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: string });
}

type Fail = (column: ImportColumn | null, code: string, w: Words) => void;

/**
 * [AG1] The point's own agent ("Trạm đo"): the cell's name, none when blank (its unit's agent, or the
 * centre, probes it); a file without the column keeps the point's.
 */
function readAgent(cells: Cells, ctx: RowContext, before: Point | undefined, fail: Fail): string | undefined {
  if (!ctx.present.has('agent')) return before?.agent;
  const cell = oneLine(cells.agent);
  if (cell === '') return undefined;
  const r = AgentName.safeParse(cell);
  if (r.success) return r.data;
  const w = issueWords(r.error.issues[0]!);
  fail(
    'agent',
    'agent.invalid',
    words(
      `${COLUMN_LABELS.agent} “${cell.slice(0, 80)}”: ${w.vi}.`,
      `${COLUMN_LABELS_EN.agent} "${cell.slice(0, 80)}": ${w.en}.`,
    ),
  );
  return undefined;
}

/** The identity of a target whatever agent probes it. */
const bareId = (t: Target): string => targetId({ ...t, agent: undefined });

function resolveUnit(cells: Cells, ctx: RowContext, fail: Fail): Unit | undefined {
  const idCell = oneLine(cells.unitId);
  if (idCell !== '') {
    const r = ctx.resolver.resolveId(idCell);
    if ('unit' in r) return r.unit;
    fail(
      'unitId',
      'unit.not-found',
      words(`${COLUMN_LABELS.unitId}: ${r.message.vi}.`, `${COLUMN_LABELS_EN.unitId}: ${r.message.en}.`),
    );
    return undefined;
  }
  const nameCell = oneLine(cells.unit);
  if (nameCell === '') {
    fail(
      ctx.present.has('unit') ? 'unit' : 'unitId',
      'unit.required',
      words('Thiếu đơn vị (Xã/Phường).', 'The unit (commune/ward) is missing.'),
    );
    return undefined;
  }
  const levelRead = readLevel(oneLine(cells.level), undefined);
  const r = ctx.resolver.resolve(nameCell, {
    parent: oneLine(cells.parentUnit) || undefined,
    level: 'level' in levelRead ? levelRead.level : undefined,
  });
  if ('unit' in r) return r.unit;
  fail(
    'unit',
    r.error === 'ambiguous' ? 'unit.ambiguous' : 'unit.not-found',
    words(`Đơn vị: ${r.message.vi}.`, `Unit: ${r.message.en}.`),
  );
  return undefined;
}

/**
 * The row's targets: its line (host column), backups, endpoints, then the codec API it had. A column the
 * file lacks keeps the existing point's targets of that column; codec targets never come from a sheet.
 */
function readTargets(cells: Cells, ctx: RowContext, before: Point | undefined, fail: Fail): Target[] | undefined {
  let ok = true;
  const refuse = (column: ImportColumn, code: string, error: Words): void => {
    fail(column, code, words(`${COLUMN_LABELS[column]} ${error.vi}.`, `${COLUMN_LABELS_EN[column]} ${error.en}.`));
    ok = false;
  };
  const host = (cells.host ?? '').trim();
  spend(host.length);
  let primary: Target | undefined;
  if (host === '') {
    fail('host', 'host.required', words(`Thiếu ${COLUMN_LABELS.host}.`, `${COLUMN_LABELS_EN.host} is missing.`));
    ok = false;
  } else {
    const r = parseLineEntry(host, 'primary');
    if ('error' in r) refuse('host', 'host.invalid', r.error);
    else primary = r.target;
  }
  let backups: Target[];
  if (ctx.present.has('backupHost')) {
    backups = [];
    spend((cells.backupHost ?? '').length);
    for (const b of hostList(cells.backupHost)) {
      const r = parseLineEntry(b, 'backup');
      if ('error' in r) refuse('backupHost', 'backupHost.invalid', r.error);
      else backups.push(r.target);
    }
  } else {
    backups = before?.targets.filter((t) => t.role === 'backup') ?? [];
  }
  let endpoints: Target[];
  if (ctx.present.has('endpoint')) {
    spend((cells.endpoint ?? '').length);
    const r = parseEndpointCell(cells.endpoint ?? '');
    if ('error' in r) {
      refuse('endpoint', 'endpoint.invalid', r.error);
      endpoints = [];
    } else endpoints = r.targets;
  } else {
    endpoints = before?.targets.filter((t) => t.role === 'endpoint' && !isCodecKind(t.kind)) ?? [];
  }
  const codecs = before?.targets.filter((t) => isCodecKind(t.kind)) ?? [];
  if (!ok || !primary) return undefined;
  // [AG1] A target the sheet writes again keeps the agent it had (a sheet has no column per target).
  const agentOf = new Map((before?.targets ?? []).flatMap((t) => (t.agent ? [[bareId(t), t.agent] as const] : [])));
  const keep = (t: Target): Target => {
    const a = t.agent ?? agentOf.get(bareId(t));
    return a === undefined ? t : { ...t, agent: a };
  };
  return [primary, ...backups, ...endpoints].map(keep).concat(codecs);
}

/** The column a schema issue's path points at; a target by its role (codec targets have no column). */
function columnOfPath(path: readonly PropertyKey[], targets: readonly Target[]): ImportColumn | null {
  const [head, index, field] = path;
  switch (head) {
    case 'code':
    case 'name':
    case 'level':
    case 'room':
    case 'address':
      return head;
    case 'unit':
      return 'unit';
    case 'targets': {
      const t = typeof index === 'number' ? targets[index] : undefined;
      if (!t) return null;
      if (t.role === 'endpoint') return isCodecKind(t.kind) ? null : 'endpoint';
      return t.role === 'primary' ? 'host' : 'backupHost';
    }
    case 'contacts':
      return field === 'phone' ? 'phone' : 'technician';
    case 'agent':
      return 'agent';
    default:
      return null;
  }
}
