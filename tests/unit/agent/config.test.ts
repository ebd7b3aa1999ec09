// [AG1] `agent:` in the inventory file (serve --config, check-config): kept on units, points and targets,
// and a bad name refused with its file, line and the point it is on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { targetAgents } from '../../../shared/agents';
import { main } from '../../../server/cli';
import { parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';

const dir = mkdtempSync(join(tmpdir(), 'dc-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = `
units:
  - { id: P, name: Tỉnh Thử, level: province }
  - { id: D1, name: Huyện Một, level: district, parent: P, agent: tram-d1 }
points:
  - code: D1
    name: Điểm cầu huyện Một
    level: district
    unit: D1
    targets:
      - { kind: icmp, host: 127.0.0.2 }
      - { kind: sip, host: 127.0.0.3, agent: tram-sip }
  - code: P
    name: Điểm cầu tỉnh
    level: province
    unit: P
    agent: tram-p
    targets:
      - { kind: icmp, host: 127.0.0.1 }
`;

describe('agent in the inventory file', () => {
  it('[AG1] keeps the agent of units, points and targets', () => {
    const inv = parseInventoryText(FILE, 'prov.yaml');
    expect(inv.units.find((u) => u.id === 'D1')?.agent).toBe('tram-d1');
    expect(inv.points.find((p) => p.code === 'P')?.agent).toBe('tram-p');
    expect([...targetAgents(inv.units, inv.points)].sort()).toEqual(
      [
        ['icmp:127.0.0.1', 'tram-p'],
        ['icmp:127.0.0.2', 'tram-d1'],
        ['sip:udp:127.0.0.3:5060@tram-sip', 'tram-sip'],
      ].sort(),
    );
  });

  it('[AG1] refuses a bad agent name with its line and point; check-config says it too', async () => {
    const bad = FILE.replace('agent: tram-p', 'agent: Trạm P');
    let caught: unknown;
    try {
      parseInventoryText(bad, 'prov.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).message).toMatch(/prov\.yaml:17:\d+: .*P.*tên trạm đo chỉ gồm chữ thường/);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, bad);
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await main(['check-config', file], { stdout: new PassThrough(), stderr })).toBe(1);
    expect(err).toMatch(/tên trạm đo/);
  });
});
