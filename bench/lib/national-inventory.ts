// The national bench's inventory (docs/NATIONAL.md NV6): 40 provinces, each probed by an agent of its own
// (`agent: tinh-NN` on the province unit) and holding 1,000 commune points, and one national meeting of
// all 40,000, live. Hosts are loopback-looking (127.<100+k>.x.y): nothing real is probed, the agents'
// probing is simulated (bench/lib/simulated-probing.ts), so the addresses only need to be distinct.
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { liveMeeting, syntheticProvince } from './province';

export const NATIONAL_MEETING = 'QUOCGIA';

export const provinceId = (k: number): string => `T${String(k + 1).padStart(2, '0')}`;
export const agentName = (k: number): string => `tinh-${String(k + 1).padStart(2, '0')}`;

export interface NationalInventory {
  units: Unit[];
  points: Point[];
  meetings: Meeting[];
  /** Per province (index k): its unit id, its agent and its points' hosts, in point order. */
  provinces: { unit: string; agent: string; hosts: string[]; codes: string[] }[];
}

/**
 * `provinces` × `perProvince` points. Each province is bench/lib/province.ts's synthetic province (varied
 * names and contacts, so the snapshots weigh what real ones do) with its ids prefixed and its communes
 * directly under the province, as Vietnam's two-level administration has them since 2025.
 */
export function nationalInventory(provinces: number, perProvince: number): NationalInventory {
  const units: Unit[] = [];
  const points: Point[] = [];
  const list: NationalInventory['provinces'] = [];
  for (let k = 0; k < provinces; k++) {
    const id = provinceId(k);
    const agent = agentName(k);
    units.push({
      id,
      name: `Tỉnh Đo Hiệu Năng ${String(k + 1).padStart(2, '0')}`,
      level: 'province',
      parent: null,
      agent,
    });
    const one = syntheticProvince(perProvince, 100 + k);
    const hosts: string[] = [];
    const codes: string[] = [];
    for (const u of one.units) {
      if (u.level === 'commune') units.push({ ...u, id: `${id}-${u.id}`, parent: id });
    }
    for (const p of one.points) {
      const code = `${id}-${p.code}`;
      points.push({ ...p, code, unit: code });
      const t = p.targets[0]!;
      if (t.kind === 'icmp') hosts.push(t.host);
      codes.push(code);
    }
    list.push({ unit: id, agent, hosts, codes });
  }
  const meeting: Meeting = {
    ...liveMeeting(NATIONAL_MEETING),
    title: 'Hội nghị trực tuyến toàn quốc (đo hiệu năng)',
    participants: { levels: ['commune'], units: list.map((p) => p.unit), points: [] },
  };
  return { units, points, meetings: [meeting], provinces: list };
}
