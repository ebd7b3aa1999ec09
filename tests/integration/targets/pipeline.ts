// What the pipeline tests of tests/integration/targets/ share: a province of a few communes whose points
// carry the targets a test gives, and the REST reads the assertions make (status rows with their
// targets, outages of a point).
import type { Outage, Point, PointStatus, Unit } from '../../../shared/schemas';
import type { TargetStatusRow } from '../../../shared/targets';
import { api, type TestApp } from '../../helpers/app';

export type StatusRow = PointStatus & { targets: TargetStatusRow[] };

/** Each block's base, drawn once: a file's addresses are one base plus their offsets, so never equal. */
const bases = new Map<number, number>();

/**
 * A loopback address of a file's own block (127.71.<block>.<base + offset>). The base is random so reruns
 * do not collide, and drawn once per block so two offsets of one file are two addresses (a base drawn per
 * call once gave C2 the address of C1).
 */
export function address(block: number, offset = 0): string {
  let base = bases.get(block);
  if (base === undefined) {
    base = 1 + Math.floor(Math.random() * 200);
    bases.set(block, base);
  }
  return `127.71.${block}.${base + offset}`;
}

/** Units P → D1 → one commune per point; each point `C<n>` with the given targets. */
export function province(targets: Point['targets'][]): { units: Unit[]; points: Point[] } {
  const units: Unit[] = [
    { id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null },
    { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P' },
  ];
  const points: Point[] = targets.map((t, i) => {
    units.push({ id: `C${i + 1}`, name: `Xã Số ${i + 1}`, level: 'commune', parent: 'D1' });
    return {
      code: `C${i + 1}`,
      name: `Điểm cầu xã Số ${i + 1}`,
      level: 'commune',
      unit: `C${i + 1}`,
      targets: t,
      contacts: [{ name: 'Nguyễn Văn Kỹ', role: 'technician', phone: '0912 345 678' }],
    };
  });
  return { units, points };
}

export async function statusRow(t: TestApp, meeting: string, code: string): Promise<StatusRow | undefined> {
  const { status, json } = await api(t, 'GET', `/api/meetings/${meeting}/status`);
  if (status !== 200) throw new Error(`GET status: ${status} ${JSON.stringify(json)}`);
  return (json as StatusRow[]).find((s) => s.code === code);
}

export async function outagesOf(t: TestApp, meeting: string, code: string): Promise<Outage[]> {
  const { status, json } = await api(t, 'GET', `/api/outages?meeting=${meeting}&point=${code}`);
  if (status !== 200) throw new Error(`GET outages: ${status} ${JSON.stringify(json)}`);
  return json as Outage[];
}

export const rowOf = (s: StatusRow | undefined, id: string): TargetStatusRow | undefined =>
  s?.targets.find((r) => r.id === id);
